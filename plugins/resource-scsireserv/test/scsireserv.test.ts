// disk.scsireserv on LUNs shared by two simulated nodes (sg_persist simulator).
import { ErrorCode } from '@capsule/core';
import { testContext, testInit } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SharedLuns } from '../../../tooling/simulators/sg_persist/lib/fixture.mjs';
import driver from '../src/index.js';

let luns: SharedLuns;
let root: string;
beforeEach(async () => {
  luns = new SharedLuns();
  luns.lun('/dev/sdb');
  luns.lun('/dev/sdc');
  root = await mkdtemp(join(tmpdir(), 'capsule-pr-'));
});
afterEach(async () => {
  luns.dispose();
  await rm(root, { recursive: true, force: true });
});

const on = (host: string) => testContext((argv, o) => localExec(argv, { ...o, env: { ...luns.env(host), ...o?.env } }));
const KEY1 = '0x8a1b2c3d4e5f6071';
const KEY2 = '0x90520a45138e85';
const pr = (config: Record<string, unknown> = {}, settings: Record<string, string> = {}) =>
  driver.create(
    testInit('disk#1pr', { devs: ['/dev/sdb', '/dev/sdc'], no_preempt_abort: false, promote_rw: false, ...config }, { root, settings: { values: settings, secret: () => Promise.reject(new Error('none')) } }),
  );

test('start registers and reserves every disk (type 5), status follows, stop clears; every action idempotent', async () => {
  const r = pr({ prkey: KEY1 });
  expect(r.label()).toBe('/dev/sdb /dev/sdc');
  expect(await r.status(on('hv1'))).toEqual({ status: 'down', log: [`info: /dev/sdb is not reserved and this node is not registered; /dev/sdc is not reserved and this node is not registered`] });
  await r.start(on('hv1'));
  for (const d of ['/dev/sdb', '/dev/sdc']) expect(luns.state(d)).toMatchObject({ registrations: { hv1: String(BigInt(KEY1)) }, reservation: { host: 'hv1', key: String(BigInt(KEY1)), type: 5 } });
  expect(luns.calls()).toContain(`hv1: sg_persist -n --out --reserve --param-rk=${KEY1} --prout-type=5 /dev/sdb`);
  expect(await r.status(on('hv1'))).toEqual({ status: 'up', log: [] });
  const n = luns.calls().length;
  await r.start(on('hv1'));
  expect(luns.calls().slice(n).every((c) => / -i -[kr] /.test(c))).toBe(true);
  await r.stop(on('hv1'));
  for (const d of ['/dev/sdb', '/dev/sdc']) expect(luns.state(d)).toMatchObject({ registrations: {}, reservation: null });
  await r.stop(on('hv1'));
  expect((await r.status(on('hv1'))).status).toBe('down');
});

test("a failover: the other node's reservation is preempted with abort; its next command gets a unit attention, and its status says who holds the disks", async () => {
  await pr({ prkey: KEY1 }).start(on('hv1'));
  await pr({ prkey: KEY2 }).start(on('hv2'));
  expect(luns.calls()).toContain(`hv2: sg_persist -n --out --preempt-abort --param-sark=${KEY1} --param-rk=${KEY2} --prout-type=5 /dev/sdb`);
  expect(luns.state('/dev/sdb')).toMatchObject({ registrations: { hv2: String(BigInt(KEY2)) }, reservation: { host: 'hv2' }, unitAttention: ['hv1'] });
  // hv1's first read meets the unit attention and is repeated.
  expect(await pr({ prkey: KEY1 }).status(on('hv1'))).toEqual({ status: 'down', log: [`info: /dev/sdb is reserved by ${KEY2}, not by this node (${KEY1}); /dev/sdc is reserved by ${KEY2}, not by this node (${KEY1})`] });
  // The old holder's stop does not touch what it no longer holds.
  await pr({ prkey: KEY1 }).stop(on('hv1'));
  expect(luns.state('/dev/sdb').reservation).toMatchObject({ host: 'hv2' });
});

test('no_preempt_abort preempts without abort; one disk held and one lost is a warning', async () => {
  await pr({ prkey: KEY1 }).start(on('hv1'));
  await pr({ prkey: KEY2, devs: ['/dev/sdc'], no_preempt_abort: true }).start(on('hv2'));
  expect(luns.calls()).toContain(`hv2: sg_persist -n --out --preempt --param-sark=${KEY1} --param-rk=${KEY2} --prout-type=5 /dev/sdc`);
  expect(await pr({ prkey: KEY1 }).status(on('hv1'))).toEqual({ status: 'warn', log: [`warn: /dev/sdc is reserved by ${KEY2}, not by this node (${KEY1})`] });
});

test("the key: the resource's prkey, else node.conf's, else one generated once for the node and kept", async () => {
  await pr({}, { prkey: KEY2 }).start(on('hv1'));
  expect(luns.state('/dev/sdb').reservation?.key).toBe(String(BigInt(KEY2)));
  await pr({}, { prkey: KEY2 }).stop(on('hv1'));
  await pr().start(on('hv1'));
  const kept = (await readFile(join(root, 'var/lib/capsule/prkey'), 'utf8')).trim();
  expect(kept).toMatch(/^0x[1-9a-f][0-9a-f]{15}$/);
  expect(luns.state('/dev/sdb').reservation?.key).toBe(String(BigInt(kept)));
  expect(await pr().status(on('hv1'))).toEqual({ status: 'up', log: [] });
});

test('bad input and missing pieces: a bad prkey, no devs, an absent disk, no sg_persist', async () => {
  await expect(pr({}, { prkey: '90520a45' }).status(on('hv1'))).rejects.toMatchObject({ code: ErrorCode.ConfigInvalid, message: 'disk#1pr: prkey must be 0x and 1 to 16 hex digits (ex: 0x90520a45138e85), got "90520a45"' });
  expect(() => pr({ devs: ['sdb'] })).toThrow(expect.objectContaining({ code: ErrorCode.ConfigInvalid }));
  await expect(pr({ prkey: KEY1, devs: ['/dev/sdz'] }).start(on('hv1'))).rejects.toMatchObject({
    message: 'disk#1pr: /dev/sdz: reading the registered keys failed with exit 52: sg_persist: error opening file /dev/sdz (rw): No such file or directory',
    details: { rid: 'disk#1pr', dev: '/dev/sdz' },
  });
  const noTool = testContext((argv, o) => localExec(argv, { ...o, env: { ...luns.env('hv1'), PATH: '/nonexistent' } }));
  await expect(pr({ prkey: KEY1 }).status(noTool)).rejects.toMatchObject({ code: ErrorCode.CommandNotFound, hint: 'install sg3-utils, or fix PATH' });
});
