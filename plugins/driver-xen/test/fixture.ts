// Xen guests for the driver's tests: the xl simulator's hosts, each guest a
// config file and a real sshd in a namespace of its own that answers only
// while the simulator says the domain runs.
import type { ConformanceFixture, ConformanceGuest } from '@capsule/conformance';
import type { Exec } from '@capsule/core';
import { LinkedSshGuests, uniqueName } from '@capsule/testenv';
import { localExec, type SshSessions } from '@capsule/transport';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STATES } from '../src/state.js';
import { SimHost } from '../../../tooling/simulators/vmhost/lib/fixture.mjs';

export const XL_BIN = fileURLToPath(new URL('../../../tooling/simulators/xl/bin', import.meta.url));

export interface XenGuest extends ConformanceGuest {
  name: string;
  host: SimHost;
  boot: string;
  halt: string;
  ssh: SshSessions;
}

export class XenHosts {
  private readonly hosts: SimHost[] = [];
  readonly sshGuests = new LinkedSshGuests();

  host(): SimHost {
    const h = new SimHost(XL_BIN);
    this.hosts.push(h);
    return h;
  }

  /** Runs the tools of `h` (its simulator first on PATH), as the driver's exec. */
  exec(h: SimHost): Exec {
    return (argv, o) => localExec(argv, { ...o, env: { ...h.env, ...o?.env } });
  }

  /** A stopped guest: its config file written, its hooks set unless `silent` (it runs but never answers). */
  async guest(o: { ignoresShutdown?: boolean; silent?: boolean; host?: SimHost } = {}): Promise<XenGuest> {
    const host = o.host ?? this.host();
    const g = await this.sshGuests.create();
    const name = uniqueName('xen-', 24);
    const cf = host.path(`${name}.cfg`);
    writeFileSync(cf, `# xl.cfg(5)\nname = "${name}"\ntype = "pv"\nmemory = 256\nvcpus = 1\n`);
    if (!o.silent) {
      host.hook(name, 'boot', g.boot);
      host.hook(name, 'halt', g.halt);
    }
    if (o.ignoresShutdown) host.fault('ignore-shutdown', name);
    return { name, host, boot: g.boot, halt: g.halt, section: { name, cf, address: g.address }, exec: this.exec(host), ssh: g.ssh, isRunning: async () => host.guest(name) !== undefined };
  }

  async dispose(): Promise<void> {
    await this.sshGuests.dispose();
    for (const h of this.hosts.splice(0)) h.dispose();
  }
}

/** The conformance fixture of the xl driver on its simulator. */
export function conformanceFixture(xen: XenHosts): ConformanceFixture {
  const byName = new Map<string, XenGuest>();
  const keep = (g: XenGuest) => (byName.set(g.name, g), g);
  return {
    teardown: () => xen.dispose(),
    guest: async (o) => keep(await xen.guest(o)),
    missingGuest: async () => {
      const host = xen.host();
      const name = uniqueName('xen-none-', 24);
      return { section: { name, cf: host.path(`${name}.cfg`) }, exec: xen.exec(host), isRunning: async () => false };
    },
    toolMissing: async () => ({ ...(await xen.guest()), exec: (argv, o) => localExec(argv, { ...o, env: { ...o?.env, PATH: '/nonexistent' } }) }),
    // Another operation holds the domain: xl create fails with libxl's words.
    breakTool: async (g) => byName.get(g.section['name']!)!.host.fault('busy', g.section['name']),
    silentGuest: () => xen.guest({ silent: true }),
    states: {
      table: STATES,
      readme: new URL('../README.md', import.meta.url),
      // The domain is created as xl creates it, then its state columns set as the hypervisor would show them.
      put: async (g, word) => {
        const x = byName.get(g.section['name']!)!;
        const r = await x.exec(['xl', 'create', g.section['cf']!]);
        if (r.code !== 0) throw new Error(`xl create: ${r.stderr}`);
        x.host.patchGuest(x.name, { flags: word });
      },
      // A shutdown reason a later Xen may add (soft reset was added in 4.5).
      unknown: '---sX-',
    },
    peer: async (g) => {
      const src = byName.get(g.section['name']!)!;
      const there = xen.host();
      src.host.peer('hv2', there);
      there.hook(src.name, 'boot', src.boot);
      there.hook(src.name, 'halt', src.halt);
      return { node: 'hv2', exec: xen.exec(there), isRunningThere: async () => there.guest(src.name) !== undefined };
    },
  };
}
