// Oracle VM guests for the driver's tests: the xm simulator's hosts, each
// guest a vm.cfg in a repository and a real sshd in a namespace of its own
// that answers only while the simulator says the domain runs.
import type { ConformanceFixture, ConformanceGuest } from '@capsule/conformance';
import type { Exec } from '@capsule/core';
import { LinkedSshGuests } from '@capsule/testenv';
import { localExec, type SshSessions } from '@capsule/transport';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STATES } from '../src/state.js';
import { SimHost } from '../../../tooling/simulators/vmhost/lib/fixture.mjs';

const XM_BIN = fileURLToPath(new URL('../../../tooling/simulators/xm/bin', import.meta.url));

export interface OvmGuest extends ConformanceGuest {
  uuid: string;
  host: SimHost;
  cfg: string;
  ssh: SshSessions;
  hooks: { boot: string; halt: string };
}

/** Where a simulated Oracle VM Server keeps repositories and /etc/xen: node.conf [driver.ovm]. */
export const settingsOf = (h: SimHost) => ({ repositories: h.path('OVS/Repositories'), xen_dir: h.path('etc/xen') });

export class OvmServers {
  private readonly hosts: SimHost[] = [];
  private readonly sshGuests = new LinkedSshGuests();

  host(): SimHost {
    const h = new SimHost(XM_BIN);
    this.hosts.push(h);
    return h;
  }

  exec(h: SimHost): Exec {
    return (argv, o) => localExec(argv, { ...o, env: { ...h.env, ...o?.env } });
  }

  /** A stopped guest with its vm.cfg in repository `repo`; its hooks unless `silent`. */
  async guest(o: { ignoresShutdown?: boolean; silent?: boolean; repo?: string } = {}): Promise<OvmGuest> {
    const host = this.host();
    const g = await this.sshGuests.create();
    const uuid = randomBytes(16).toString('hex');
    const cfg = host.path('OVS/Repositories', o.repo ?? '0004fb0000030000a1b2', 'VirtualMachines', uuid, 'vm.cfg');
    mkdirSync(dirname(cfg), { recursive: true });
    writeFileSync(cfg, `name = '${uuid}'\nuuid = '${uuid}'\nOVM_simple_name = 'app1'\nmemory = 1024\nvcpus = 2\nguest_os_type = 'linux'\n`);
    if (!o.silent) {
      host.hook(uuid, 'boot', g.boot);
      host.hook(uuid, 'halt', g.halt);
    }
    if (o.ignoresShutdown) host.fault('ignore-shutdown', uuid);
    return { uuid, host, cfg, hooks: { boot: g.boot, halt: g.halt }, section: { uuid, name: 'app1', address: g.address }, settings: settingsOf(host), exec: this.exec(host), ssh: g.ssh, isRunning: async () => host.guest(uuid) !== undefined };
  }

  async dispose(): Promise<void> {
    await this.sshGuests.dispose();
    for (const h of this.hosts.splice(0)) h.dispose();
  }
}

export function conformanceFixture(ovm: OvmServers): ConformanceFixture {
  const byUuid = new Map<string, OvmGuest>();
  const keep = (g: OvmGuest) => (byUuid.set(g.uuid, g), g);
  return {
    teardown: () => ovm.dispose(),
    guest: async (o) => keep(await ovm.guest(o)),
    missingGuest: async () => {
      const host = ovm.host();
      return { section: { uuid: randomBytes(16).toString('hex') }, settings: settingsOf(host), exec: ovm.exec(host), isRunning: async () => false };
    },
    toolMissing: async () => ({ ...(await ovm.guest()), exec: (argv, o) => localExec(argv, { ...o, env: { ...o?.env, PATH: '/nonexistent' } }) }),
    breakTool: async (g) => byUuid.get(g.section['uuid']!)!.host.fault('busy', g.section['uuid']),
    silentGuest: () => ovm.guest({ silent: true }),
    states: {
      table: STATES,
      readme: new URL('../README.md', import.meta.url),
      // The domain is created as xm creates it, then its flags set as the hypervisor would show them.
      put: async (g, word) => {
        const o = byUuid.get(g.section['uuid']!)!;
        const r = await o.exec(['xm', 'create', o.cfg]);
        if (r.code !== 0) throw new Error(`xm create: ${r.stderr}`);
        o.host.patchGuest(o.uuid, { flags: word });
      },
      // xm is gone since Xen 4.5, so no later xm adds a flag: two at once (paused while shutting down) is what the table does not hold.
      unknown: '--ps--',
    },
    peer: async (g) => {
      const src = byUuid.get(g.section['uuid']!)!;
      const there = ovm.host();
      src.host.peer('ovs2', there);
      there.hook(src.uuid, 'boot', src.hooks.boot);
      there.hook(src.uuid, 'halt', src.hooks.halt);
      return { node: 'ovs2', exec: ovm.exec(there), isRunningThere: async () => there.guest(src.uuid) !== undefined };
    },
  };
}
