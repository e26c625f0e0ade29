// disk.zpool on simulated shared disks seen by two nodes (zpool simulator).
import { ErrorCode } from '@capsule/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testContext, testInit } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { ZpoolDisks } from '../../../tooling/simulators/zpool/lib/fixture.mjs';
import driver from '../src/index.js';

let disks: ZpoolDisks;
beforeEach(() => (disks = new ZpoolDisks()));
afterEach(() => disks.dispose());

const on = (host: string) => testContext((argv, o) => localExec(argv, { ...o, env: { ...disks.env(host), ...o?.env } }));
const zpool = (config: Record<string, unknown> = {}) =>
  driver.create(testInit('disk#1', { name: 'tank', promote_rw: false, no_preempt_abort: false, scsireserv: false, ...config }, { root: '/srv/node1' }));

test('start imports into capsule\'s cachefile, status follows, stop exports; every action idempotent', async () => {
  disks.pool('tank');
  const r = zpool();
  expect(r.label()).toBe('zpool tank');
  expect(await r.status(on('hv1'))).toEqual({ status: 'down', log: ['info: pool tank is not imported on this node'] });
  await r.start(on('hv1'));
  expect(disks.state('tank')).toMatchObject({ importedOn: ['hv1'], cachefile: '/srv/node1/var/lib/capsule/zpool.cache' });
  expect(await r.status(on('hv1'))).toEqual({ status: 'up', log: [] });
  expect(await r.status(on('hv2'))).toMatchObject({ status: 'down' });
  const n = disks.calls().length;
  await r.start(on('hv1'));
  expect(disks.calls().slice(n)).toEqual(['hv1: zpool list -H -o name,health tank']);
  await r.stop(on('hv1'));
  expect(disks.state('tank')).toMatchObject({ importedOn: [], exported: true });
  await r.stop(on('hv1'));
  expect(await r.status(on('hv1'))).toMatchObject({ status: 'down' });
});

test('health: DEGRADED and SUSPENDED warn, FAULTED is down, each saying why', async () => {
  disks.pool('tank');
  const r = zpool();
  await r.start(on('hv1'));
  disks.fault('tank', 'health', 'DEGRADED');
  expect(await r.status(on('hv1'))).toEqual({ status: 'warn', log: ['warn: pool tank is DEGRADED: a device is missing or failing (zpool status tank)'] });
  disks.fault('tank', 'health', 'FAULTED');
  expect(await r.status(on('hv1'))).toEqual({ status: 'down', log: ['warn: pool tank is imported but FAULTED'] });
});

test('multihost: set on after import; then another node cannot import it while this one has it, even forced', async () => {
  disks.pool('tank');
  await zpool({ multihost: true }).start(on('hv1'));
  expect(disks.state('tank')?.multihost).toBe('on');
  expect(disks.calls()).toContain('hv1: zpool set multihost=on tank');
  await expect(zpool({ multihost: true }).start(on('hv2'))).rejects.toMatchObject({
    code: ErrorCode.ZpoolImportFailed,
    message: expect.stringMatching(/^disk#1: zpool import tank failed with exit 1: cannot import 'tank': pool is imported on hv1 \(hostid: 0x[0-9a-f]+\)$/),
    hint: 'tank is in use on another node (multihost): stop the service there first',
  });
  // Unset keyword: the property is left as it is; multihost = false turns it off.
  await zpool().stop(on('hv1'));
  await zpool().start(on('hv2'));
  expect(disks.state('tank')?.multihost).toBe('on');
  await zpool({ multihost: false }).start(on('hv2'));
  expect(disks.state('tank')?.multihost).toBe('off');
});

test('a pool left active by a crashed node is imported (forced, as OpenSVC does); a busy pool is exported by force', async () => {
  disks.pool('tank', { importedOn: ['hv2'], lastHost: 'hv2' });
  const r = zpool();
  await r.start(on('hv1'));
  expect(disks.calls()).toContain('hv1: zpool import -f -o cachefile=/srv/node1/var/lib/capsule/zpool.cache tank');
  disks.fault('tank', 'busy');
  await r.stop(on('hv1'));
  expect(disks.calls().slice(-2)).toEqual(['hv1: zpool export tank', 'hv1: zpool export -f tank']);
  expect(disks.state('tank')?.importedOn).toEqual(['hv2']);
});

test('bad input and missing pieces: an unknown pool, a dataset as name, no zpool command', async () => {
  await expect(zpool({ name: 'ghost' }).start(on('hv1'))).rejects.toMatchObject({ message: "disk#1: zpool import ghost failed with exit 1: cannot import 'ghost': no such pool available", hint: expect.stringContaining('are the disks of ghost visible') });
  expect(() => zpool({ name: 'tank/data' })).toThrow(expect.objectContaining({ code: ErrorCode.ConfigInvalid, message: expect.stringContaining('disk#1: name = "tank/data" is not a pool name') }));
  const noTool = testContext((argv, o) => localExec(argv, { ...o, env: { ...disks.env('hv1'), PATH: '/nonexistent' } }));
  await expect(zpool().status(noTool)).rejects.toMatchObject({ code: ErrorCode.CommandNotFound, hint: 'install zfsutils-linux, or fix PATH' });
});

test('devices: the leaf vdevs while imported here, kept for when it is not (the reservation is taken before the import)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'capsule-zpool-'));
  try {
    disks.pool('tank', { vdevs: ['/dev/sdb', '/dev/sdc'], layout: 'mirror' });
    const r = driver.create(testInit('disk#1', { name: 'tank', promote_rw: false, no_preempt_abort: false, scsireserv: true }, { root }));
    expect(await r.devices!(on('hv1'))).toEqual([]);
    await r.start(on('hv1'));
    expect(await r.devices!(on('hv1'))).toEqual(['/dev/sdb', '/dev/sdc']);
    expect(disks.calls().slice(-1)).toEqual(['hv1: zpool status -L -P tank']);
    await r.stop(on('hv1'));
    expect(await r.devices!(on('hv1'))).toEqual(['/dev/sdb', '/dev/sdc']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
