// disk.md against the mdadm simulator: arrays on disks two nodes share.
import { testContext, testInit } from '@capsule/testenv';
import type { ActionContext } from '@capsule/core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import driver from '../src/index.js';
import { simWorld, type SimWorld } from './sim.js';

const UUID = '0a1b2c3d:00000000:11111111:22222222';
let w: SimWorld;
let hv1: ActionContext;
let hv2: ActionContext;
let root: string;

beforeEach(async () => {
  w = simWorld();
  hv1 = testContext(w.host('hv1'));
  hv2 = testContext(w.host('hv2'));
  root = join(w.state, 'root');
  mkdirSync(join(root, 'etc/mdadm'), { recursive: true });
  await hv1.exec(['mdadm', '--create', '/dev/md/data', '--level=1', '--raid-devices=2', '/dev/sdb', '/dev/sdc', `--uuid=${UUID}`]);
  await hv1.exec(['mdadm', '--stop', '/dev/md/data']);
});
afterEach(() => w.dispose());

const md = (config: Record<string, unknown> = {}, nodes = ['hv1', 'hv2']) =>
  driver.create(testInit('disk#1', { type: 'md', uuid: UUID.toUpperCase().replace(/:/g, '-'), ...config }, { svcname: 'web', root, service: { nodes, drpnodes: [], encapnodes: [] } }));
const calls = (node: string) => readFileSync(join(w.state, 'hosts', node, 'calls'), 'utf8').trim().split('\n');
const conf = () => readFileSync(join(root, 'etc/mdadm/mdadm.conf'), 'utf8');

test('start assembles by uuid under /dev/md/SVC.RID, start again is quiet, stop stops it, stop again is quiet', async () => {
  const r = md();
  expect(r.label()).toBe(`md ${UUID}`);
  expect(await r.status(hv1)).toEqual({ status: 'down', log: [`warn: auto-assemble is not disabled in ${root}/etc/mdadm/mdadm.conf`, `md ${UUID} is not assembled on this node`] });
  await r.start(hv1);
  await r.start(hv1);
  expect(calls('hv1').filter((c) => / --(assemble|stop)/.test(c)).slice(-1)).toEqual([`mdadm --assemble /dev/md/web.disk.1 --uuid=${UUID}`]);
  // Shared (two nodes): no boot of either node assembles it behind the cluster's back.
  expect(conf()).toBe(`ARRAY <ignore> UUID=${UUID}\n`);
  expect(await r.status(hv1)).toEqual({ status: 'up', log: [] });
  await r.stop(hv1);
  await r.stop(hv1);
  expect(calls('hv1').filter((c) => / --(assemble|stop)/.test(c)).slice(-2)).toEqual([`mdadm --assemble /dev/md/web.disk.1 --uuid=${UUID}`, 'mdadm --stop /dev/md/web.disk.1']);
  expect((await r.status(hv1)).log).toEqual([`md ${UUID} is not assembled on this node`]);
  expect(conf()).toBe(`ARRAY <ignore> UUID=${UUID}\n`);
});

test('not shared (one node, or shared = false): mdadm.conf is left alone', async () => {
  await md({}, ['hv1']).start(hv1);
  await md({ shared: false }).stop(hv1);
  expect(() => conf()).toThrow(/ENOENT/);
});

test('a missing mirror: up but warned with the State line; a second node sees it as not assembled', async () => {
  mkdirSync(join(w.state, 'hosts', 'hv1'), { recursive: true });
  writeFileSync(join(w.state, 'hosts', 'hv1', 'missing'), '/dev/sdc\n');
  const r = md();
  await r.start(hv1);
  expect(await r.status(hv1)).toEqual({ status: 'warn', log: ['warn: /dev/md/web.disk.1: clean, degraded'] });
  expect((await md().status(hv2)).status).toBe('down');
});

test('an array in use: stop fails with mdadm words; an unknown uuid: start fails', async () => {
  const r = md();
  await r.start(hv1);
  mkdirSync(join(w.state, 'hosts', 'hv1', 'faults'), { recursive: true });
  writeFileSync(join(w.state, 'hosts', 'hv1', 'faults', 'busy-md127'), '');
  await expect(r.stop(hv1)).rejects.toMatchObject({ code: 'DiskActionFailed', message: expect.stringContaining('disk#1: mdadm --stop /dev/md/web.disk.1 failed with exit 1: mdadm: Cannot get exclusive access to /dev/md/web.disk.1') });
  await expect(md({ uuid: 'ffffffff:00000000:11111111:22222222' }).start(hv1)).rejects.toMatchObject({ code: 'DiskActionFailed', message: expect.stringContaining('no devices found for /dev/md/web.disk.1') });
});

test('no uuid: n/a, and start asks for it', async () => {
  const r = driver.create(testInit('disk#1', { type: 'md' }));
  expect(await r.status(hv1)).toEqual({ status: 'n/a', log: ['uuid is not set: the array is not provisioned'] });
  await expect(r.start(hv1)).rejects.toMatchObject({ code: 'MissingKeyword', message: 'disk#1: disk.md needs the uuid keyword' });
});

test('devices: the members, from the superblocks while stopped and from the running array; the devs keyword before a uuid exists', async () => {
  const r = md();
  expect(await r.devices!(hv1)).toEqual(['/dev/sdb', '/dev/sdc']);
  await r.start(hv1);
  writeFileSync(join(w.state, 'hosts', 'hv1', 'missing'), '/dev/sdc\n');
  expect(await r.devices!(hv1)).toEqual(['/dev/sdb']);
  expect(calls('hv1').slice(-1)).toEqual(['mdadm --detail /dev/md/web.disk.1']);
  expect(await md({ uuid: undefined, devs: ['/dev/sdd', '/dev/sde'] }).devices!(hv1)).toEqual(['/dev/sdd', '/dev/sde']);
});
