// Zones on the simulated host of tooling/simulators/zones: configured and
// installed with the simulator's own zonecfg and zoneadm, as an
// administrator would on a real host.
import type { Exec } from '@capsule/core';
import { uniqueName } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimHost } from '../../../tooling/simulators/guest-kit/lib/fixture.mjs';
import { patchZone } from '../../../tooling/simulators/zones/lib/zones.mjs';

const ZONES_BIN = fileURLToPath(new URL('../../../tooling/simulators/zones/bin', import.meta.url));

export class ZoneHost {
  readonly sim = SimHost.create(ZONES_BIN, 'capsule-zones-');
  private readonly dirs: string[] = [];
  private readonly peers: ZoneHost[] = [];

  /** Runs a command on the simulated host: its tools first on PATH. */
  readonly exec: Exec = (argv, o) => localExec(argv, { ...o, env: { ...o?.env, ...this.sim.env() } });

  /** Runs a tool and fails the test setup when it fails. */
  async run(...argv: string[]): Promise<string> {
    const r = await this.exec(argv);
    if (r.code !== 0) throw new Error(`test setup: ${argv.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** An installed zone; its root is ZONEPATH/root. A kernel zone (solaris-kz) can migrate live. */
  async zone(o: { brand?: 'ipkg' | 'solaris-kz'; zonepathPrefix?: string } = {}): Promise<{ name: string; root: string }> {
    const name = uniqueName('capz', 20);
    const zonepath = mkdtempSync(join(tmpdir(), o.zonepathPrefix ?? 'capsule-zonepath-'));
    this.dirs.push(zonepath);
    const brand = o.brand === 'solaris-kz' ? 'create -t SYSsolaris-kz' : 'create -b';
    await this.run('zonecfg', '-z', name, `${brand}; set zonepath=${zonepath}; set autoboot=false; add net; set physical=net0; end`);
    await this.run('zoneadm', '-z', name, 'install');
    return { name, root: join(zonepath, 'root') };
  }

  /** Leaves the zone in `state` as the kernel or another tool would (a halt failed halfway, a package tool's mount, storage in use elsewhere). */
  put(name: string, state: string): void {
    patchZone(this.sim.dir, name, { state });
  }

  async state(name: string): Promise<string> {
    const r = await this.exec(['zoneadm', '-z', name, 'list', '-p']);
    return r.code === 0 ? (r.stdout.split(':')[2] ?? '') : 'MISSING';
  }

  /** Another host, as `node` reaches it (zoneadm migrate ssh://NODE), sharing the zones' storage. */
  peer(node = 'hv2'): ZoneHost {
    const peer = new ZoneHost();
    this.peers.push(peer);
    this.sim.peer(node, peer.sim);
    return peer;
  }

  dispose(): void {
    for (const p of this.peers.splice(0)) p.dispose();
    this.sim.dispose();
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}
