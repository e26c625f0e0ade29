// Shared-storage failover for real agents: three nodes in network
// namespaces see one LVM volume group (the lvm2 simulator with one state
// directory for all, as nodes share a SAN: this kernel has no
// device-mapper), and run a service of a service address, that VG and an
// app. hv1 loses power; hv2 takes the VG's host tag over, activates it and
// starts the app. Sampled every 100 ms: the VG is never active on two
// powered nodes, the service never held by two.
import { TestCluster, until, type ClusterNode } from '@capsule/testenv';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localExec } from '@capsule/transport';
import { cliEntry } from './cli.js';
import { holders, reach, sampler, webConf, webScript } from './cluster-web.js';

const T = 180_000;
const LVM_BIN = fileURLToPath(new URL('../../../tooling/simulators/lvm/bin', import.meta.url));

let c: TestCluster;
let san: string;
const powered = new Set(['hv1', 'hv2', 'hv3']);
const simEnv = (host: string) => ({ PATH: `${LVM_BIN}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, CAPSULE_SIM_STATE: san, CAPSULE_SIM_HOST: host });
const lvm = (host: string, ...argv: string[]) => localExec(argv, { env: simEnv(host) });

/** The powered nodes where a logical volume of vgdata is active (their device-mapper state). */
function activeOn(): string[] {
  return [...powered].filter((h) => {
    const f = join(san, 'hosts', h, 'lvm-active.json');
    return existsSync(f) && (JSON.parse(readFileSync(f, 'utf8')) as string[]).some((lv) => lv.startsWith('vgdata/'));
  });
}

/** Like the web sampler: every 100 ms, the nodes with the VG active; any moment with two is recorded. */
function vgSampler() {
  const doubles: string[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const a = activeOn();
      if (a.length > 1) doubles.push(`${new Date().toISOString()} ${a.join(',')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { stop: async () => ((running = false), await done, doubles) };
}

beforeAll(async () => {
  san = mkdtempSync(join(tmpdir(), 'capsule-san-'));
  // The VG as an admin made it once, on hv1, then deactivated: on the shared disks, active nowhere.
  for (const argv of [['vgcreate', 'vgdata', '/dev/sdb'], ['lvcreate', '-n', 'data', '-L', '64m', 'vgdata'], ['vgchange', '-a', 'n', 'vgdata']]) {
    const r = await lvm('hv1', ...argv);
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  }
  c = await TestCluster.create({ nodes: ['hv1', 'hv2', 'hv3'], nodemgr: cliEntry('nodemgr'), port: 10600, env: (n: ClusterNode) => simEnv(n.name) });
  await c.writeService('web', () => `${webConf('hv1 hv2 hv3')}\n[disk#1]\ntype = vg\nname = vgdata\n`, { 'etc/capsule/web.d/web.sh': webScript });
  for (const n of c.nodes.keys()) c.startDaemon(n);
}, T);
afterAll(async () => {
  await c?.dispose();
  rmSync(san, { recursive: true, force: true });
}, T);

test('hv1 powered off: hv2 takes the VG over (tag, activation) and the service with it; never active on two nodes', async () => {
  const vg = vgSampler();
  const web = sampler(c);
  try {
    await until('web on hv1 with its VG', async () => (await reach(c)) === 'hv1' && activeOn().join() === 'hv1', T);
    expect((await lvm('hv2', 'vgs', '--noheadings', '-o', 'tags', 'vgdata')).stdout.trim()).toBe('hv1');
    await c.powerOff('hv1');
    // A power cut loses the node's device-mapper state with everything else in memory.
    powered.delete('hv1');
    rmSync(join(san, 'hosts', 'hv1', 'lvm-active.json'), { force: true });
    await until('web on hv2 with its VG', async () => (await reach(c)) === 'hv2' && activeOn().join() === 'hv2', T);
    expect((await lvm('hv2', 'vgs', '--noheadings', '-o', 'tags', 'vgdata')).stdout.trim()).toBe('hv2');
    expect(c.node('hv2').log.join('\n')).toMatch(/start web: target started/);
    // hv1 boots again: it hears web up on hv2 and activates nothing.
    await c.powerOn('hv1');
    powered.add('hv1');
    await until('hv1 back in the cluster', async () => (await c.cli('hv1', 'nodemgr', ['daemon', 'status'])).stdout.includes(': quorum (majority (3/3))'), T);
    await c.afterHeartbeats('hv1', 3);
    expect([activeOn(), await holders(c)]).toEqual([['hv2'], ['hv2']]);
  } finally {
    expect(await vg.stop()).toEqual([]);
    expect(await web.stop()).toEqual([]);
  }
}, T);
