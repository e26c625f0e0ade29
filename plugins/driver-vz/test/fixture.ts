// OpenVZ containers for the driver's tests: the vzctl simulator's hosts,
// each container a CTID.conf in the host's conf directory and a root
// directory of its own where vzctl exec2 runs commands.
import type { ConformanceFixture, ConformanceGuest } from '@capsule/conformance';
import type { Exec } from '@capsule/core';
import { localExec } from '@capsule/transport';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STATES } from '../src/state.js';
import { SimHost } from '../../../tooling/simulators/vmhost/lib/fixture.mjs';

const VZ_BIN = fileURLToPath(new URL('../../../tooling/simulators/vzctl/bin', import.meta.url));

export interface VzGuest extends ConformanceGuest {
  ctid: string;
  host: SimHost;
  /** VE_ROOT: the container's root as the host sees it. */
  root: string;
}

/** How the simulator prints each state: the vzctl version the host plays and the container's record (null: no container). */
const PUT: Record<string, [version: string, rec: Record<string, unknown> | null]> = {
  'exist mounted running': ['4.7', { state: 'running' }],
  'exist mounted running suspended': ['3.0.30', { state: 'running', dump: true }],
  'exist unmounted down': ['4.7', { state: 'stopped' }],
  'exist mounted down': ['4.7', { state: 'mounted' }],
  'exist unmounted down suspended': ['4.7', { state: 'suspended' }],
  'exist unmounted suspended': ['7.0', { state: 'suspended' }],
  'exist mounted paused': ['7.0', { state: 'paused' }],
  'deleted unmounted down': ['4.7', null],
  // A later vzctl's word for the run state (the simulator's `word`).
  'exist mounted migrating': ['7.0', { state: 'running', word: 'migrating' }],
};

export class VzHosts {
  private readonly hosts: SimHost[] = [];
  private next = 101;

  host(): SimHost {
    const h = new SimHost(VZ_BIN);
    this.hosts.push(h);
    return h;
  }

  exec(h: SimHost): Exec {
    return (argv, o) => localExec(argv, { ...o, env: { ...h.env, ...o?.env } });
  }

  /** A stopped container on a host of its own. */
  guest(o: { ignoresShutdown?: boolean } = {}): VzGuest {
    const host = this.host();
    const ctid = String(this.next++);
    const root = host.path('vz/root', ctid);
    mkdirSync(root, { recursive: true });
    mkdirSync(host.path('etc/vz/conf'), { recursive: true });
    writeFileSync(host.path('etc/vz/conf', `${ctid}.conf`), `ONBOOT="no"\nOSTEMPLATE="centos-7-x86_64"\nVE_ROOT="${host.path('vz/root')}/$VEID"\nVE_PRIVATE="${host.path('vz/private')}/$VEID"\nHOSTNAME="ct${ctid}"\nIP_ADDRESS="198.51.100.${ctid.slice(-2)}"\n`);
    if (o.ignoresShutdown) {
      host.fault('ignore-shutdown', ctid);
      // vzctl's own wait before it kills the container, longer than any stop_timeout here.
      host.fault('stop-timeout', undefined, '30');
    }
    return { ctid, host, root, section: { name: ctid }, settings: { confdir: host.path('etc/vz/conf') }, exec: this.exec(host), isRunning: async () => host.guest(ctid)?.['state'] === 'running' };
  }

  dispose(): void {
    for (const h of this.hosts.splice(0)) h.dispose();
  }
}

export function conformanceFixture(vz: VzHosts): ConformanceFixture {
  const byCtid = new Map<string, VzGuest>();
  const keep = (g: VzGuest) => (byCtid.set(g.ctid, g), g);
  const of = (g: ConformanceGuest) => byCtid.get(g.section['name']!)!;
  return {
    teardown: async () => vz.dispose(),
    guest: async (o) => keep(vz.guest(o)),
    missingGuest: async () => {
      const host = vz.host();
      return { section: { name: '999' }, settings: { confdir: host.path('etc/vz/conf') }, exec: vz.exec(host), isRunning: async () => false };
    },
    toolMissing: async () => ({ ...vz.guest(), exec: (argv, o) => localExec(argv, { ...o, env: { ...o?.env, PATH: '/nonexistent' } }) }),
    breakTool: async (g) => of(g).host.fault('start-fails', g.section['name'], 'Unable to start init, probably incorrect template'),
    // The container runs but its init never lets a command through.
    states: {
      table: STATES,
      readme: new URL('../README.md', import.meta.url),
      put: async (g, word) => {
        const [version, rec] = PUT[word]!;
        const ct = of(g);
        writeFileSync(ct.host.path('vzctl.version'), version);
        if (rec) writeFileSync(ct.host.path('guests', `${ct.ctid}.json`), JSON.stringify({ name: ct.ctid, ...rec }));
        else rmSync(ct.host.path('etc/vz/conf', `${ct.ctid}.conf`));
      },
      unknown: 'exist mounted migrating',
    },
    silentGuest: async () => {
      const g = keep(vz.guest());
      g.host.fault('exec-hang', g.ctid);
      return g;
    },
    peer: async (g) => {
      const there = vz.host();
      of(g).host.peer('hv2', there);
      return { node: 'hv2', exec: vz.exec(there), isRunningThere: async () => there.guest(g.section['name']!)?.['state'] === 'running' };
    },
  };
}
