// scsireserv = true on disk sections, end to end: a service file with disk
// sections over real loop devices, the real disk and disk.scsireserv
// drivers, sg_persist (and mdadm) from the simulators on PATH. The loop
// devices are the "shared LUNs" two nodes see.
import { KeywordRegistry, evaluateConfig, parseConfig } from '@capsule/config';
import type { Exec } from '@capsule/core';
import { localExec } from '@capsule/transport';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import diskDriver from '../../../plugins/resource-disk/src/index.js';
import scsireservDriver from '../../../plugins/resource-scsireserv/src/index.js';
import { SharedLuns } from '../../../tooling/simulators/sg_persist/lib/fixture.mjs';
import { runAction } from '../src/actions.js';
import { buildService, type DriverSource } from '../src/build.js';
import { ServiceLog } from '../src/log.js';
import type { Service } from '../src/model.js';
import { computeStatus } from '../src/status.js';
import { renderStatusTree } from '../src/tree.js';

const MDADM_BIN = fileURLToPath(new URL('../../../tooling/simulators/mdadm/bin', import.meta.url));
const KEY1 = '0x8a1b2c3d4e5f6071';
const KEY2 = '0x90520a45138e85';
const UUID = '0a1b2c3d:00000000:11111111:22222222';

const registry = new KeywordRegistry();
for (const p of diskDriver.provides) registry.register('disk', p.split('.')[1], [...diskDriver.keywords]);
registry.register('disk', 'scsireserv', [...scsireservDriver.keywords]);
const drivers: DriverSource = {
  load: (group, type) => Promise.resolve({ definition: type === 'scsireserv' ? scsireservDriver : diskDriver, capabilities: {} }),
};

let dir: string;
let luns: SharedLuns;
const loops: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capsule-pr-svc-'));
  luns = new SharedLuns();
  for (const name of ['a.img', 'b.img']) {
    const file = join(dir, name);
    await localExec(['truncate', '-s', '8M', file]);
    const r = await localExec(['losetup', '-f', '--show', file]);
    if (r.code !== 0) throw new Error(`losetup: ${r.stderr}`);
    loops.push(r.stdout.trim());
  }
  // The LUNs the nodes share are these loop devices; their reservations are the simulator's.
  for (const dev of loops) luns.lun(dev);
});
afterEach(async () => {
  // Detached even when the test failed: a leaked loop device outlives the run.
  for (const dev of loops.splice(0)) await localExec(['losetup', '-d', dev]);
  luns.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** This node's tools: the simulators first on PATH, sharing one state (sg_persist's LUNs, mdadm's superblocks). */
const on = (host: string): Exec => (argv, o = {}) => localExec(argv, { ...o, env: { ...o.env, ...luns.env(host), PATH: `${MDADM_BIN}:${luns.env(host)['PATH']}` } });

async function service(host: string, body: string): Promise<Service> {
  const text = `[DEFAULT]\nnodes = hv1 hv2\n${body}`;
  const cfg = await evaluateConfig(parseConfig(text, 'svc.conf'), registry, { nodename: host, svcname: 'svc' });
  const root = join(dir, host);
  return buildService(cfg, drivers, { root, varDir: join(root, 'var'), configFile: join(root, 'svc.conf') });
}
const opts = (host: string) => ({ exec: on(host), log: new ServiceLog(join(dir, host, 'var'), {}, () => undefined) });
const status = (svc: Service, host: string) => computeStatus(svc, { runtime: { exec: on(host) }, log: { info() {}, warn() {}, error() {} } });
const registered = (dev: string) => luns.state(dev).registrations;
const holder = (dev: string) => luns.state(dev).reservation;

test("md with scsireserv = true: its member disks are reserved before it starts, released after it stops, shown as disk#1pr; a peer's start preempts", async () => {
  await on('hv1')(['mdadm', '--create', '/dev/md/data', '--level=1', '--raid-devices=2', ...loops, `--uuid=${UUID}`]);
  await on('hv1')(['mdadm', '--stop', '/dev/md/data']);
  const section = (key: string) => `[disk#1]\ntype = md\nuuid = ${UUID}\nshared = false\nscsireserv = true\nprkey = ${key}\ntags = data\n`;
  const hv1 = await service('hv1', section(KEY1));
  expect(hv1.resources.map((r) => [r.rid, r.type, r.tags])).toEqual([
    ['disk#1', 'md', ['data']],
    ['disk#1pr', 'scsireserv', ['data']],
  ]);

  await runAction(hv1, 'start', opts('hv1'));
  for (const dev of loops) expect(holder(dev)).toMatchObject({ host: 'hv1', key: String(BigInt(KEY1)), type: 5 });
  const s = await status(hv1, 'hv1');
  expect(s.resources['disk#1pr']).toMatchObject({ status: 'up', label: [...loops].sort().join(' '), tags: ['data'] });
  expect(s.resources['disk#1']).toMatchObject({ status: 'up' });
  expect(renderStatusTree(s)).toMatch(new RegExp(`disk#1pr +.*up +${[...loops].sort().join(' ')}`));

  // hv1 is lost with the array still assembled there; hv2 takes the service over: its start preempts hv1's key.
  const hv2 = await service('hv2', section(KEY2));
  await runAction(hv2, 'start', opts('hv2'));
  for (const dev of loops) {
    expect(holder(dev)).toMatchObject({ host: 'hv2', key: String(BigInt(KEY2)) });
    expect(registered(dev)).toEqual({ hv2: String(BigInt(KEY2)) });
  }
  expect(luns.calls()).toContain(`hv2: sg_persist -n --out --preempt-abort --param-sark=${KEY1} --param-rk=${KEY2} --prout-type=5 ${loops[0]}`);
  expect((await status(hv1, 'hv1')).resources['disk#1pr']).toMatchObject({ status: 'down' });

  await runAction(hv2, 'stop', opts('hv2'));
  for (const dev of loops) expect(luns.state(dev)).toMatchObject({ registrations: {}, reservation: null });
  expect((await status(hv2, 'hv2')).resources['disk#1pr']).toMatchObject({ status: 'down' });
});

test('start order: the reservation before the disk; stop order: after it', async () => {
  await on('hv1')(['mdadm', '--create', '/dev/md/data', '--level=1', '--raid-devices=2', ...loops, `--uuid=${UUID}`]);
  await on('hv1')(['mdadm', '--stop', '/dev/md/data']);
  const hv1 = await service('hv1', `[disk#1]\ntype = md\nuuid = ${UUID}\nshared = false\nscsireserv = true\nprkey = ${KEY1}\n`);
  const journal: string[] = [];
  // Both simulators log their calls: interleave them by watching the exec.
  const exec: Exec = (argv, o) => {
    if (argv[0] === 'mdadm' && /--(assemble|stop)/.test(argv.join(' '))) journal.push(argv.slice(0, 2).join(' '));
    if (argv[0] === 'sg_persist' && argv.includes('--out')) journal.push(`sg_persist ${argv.find((a) => /^--(register|reserve|clear|preempt)/.test(a))}`);
    return on('hv1')(argv, o);
  };
  const log = new ServiceLog(join(dir, 'hv1', 'var'), {}, () => undefined);
  await runAction(hv1, 'start', { exec, log });
  await runAction(hv1, 'stop', { exec, log });
  expect(journal).toEqual([
    'sg_persist --register-ignore',
    'sg_persist --reserve',
    'sg_persist --register-ignore',
    'sg_persist --reserve',
    'mdadm --assemble',
    'mdadm --stop',
    'sg_persist --clear',
    'sg_persist --clear',
  ]);
});

test("raw with scsireserv = true and no_preempt_abort: a peer's reservation is preempted without abort; disable and a disk with no device", async () => {
  const hv2 = await service('hv2', `[disk#2]\ntype = raw\ndevs = ${loops[0]}\nscsireserv = true\nprkey = ${KEY2}\n`);
  await runAction(hv2, 'start', opts('hv2'));
  const hv1 = await service('hv1', `[disk#2]\ntype = raw\ndevs = ${loops[0]}\nscsireserv = true\nprkey = ${KEY1}\nno_preempt_abort = true\n[disk#3]\ntype = loop\nfile = ${join(dir, 'b.img')}\nscsireserv = true\n[disk#4]\ntype = raw\ndevs = ${loops[1]}\nscsireserv = true\ndisable = true\n`);
  expect(hv1.resources.map((r) => r.rid)).toEqual(['disk#2', 'disk#2pr', 'disk#3', 'disk#3pr', 'disk#4', 'disk#4pr']);
  await runAction(hv1, 'start', opts('hv1'));
  expect(luns.calls()).toContain(`hv1: sg_persist -n --out --preempt --param-sark=${KEY2} --param-rk=${KEY1} --prout-type=5 ${loops[0]}`);
  expect(holder(loops[0]!)).toMatchObject({ host: 'hv1' });
  const s = await status(hv1, 'hv1');
  // A loop holds a file: nothing to reserve, n/a as OpenSVC's reservation of no disk.
  expect(s.resources['disk#3pr']).toMatchObject({ status: 'n/a', label: 'preserv 0 scsi disk', log: ['info: disk#3 has no device to reserve'] });
  // Disabled with its disk: never touched.
  expect(s.resources['disk#4pr']).toMatchObject({ status: 'n/a', log: ['# disabled'] });
  expect(holder(loops[1]!)).toBeNull();
  await runAction(hv1, 'stop', opts('hv1'));
});
