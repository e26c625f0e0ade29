// disk.vg and disk.lv against the lvm simulator, two nodes sharing the disks.
import { testContext, testInit } from '@capsule/testenv';
import type { ActionContext } from '@capsule/core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import driver from '../src/index.js';
import { simWorld, type SimWorld } from './sim.js';

let w: SimWorld;
let hv1: ActionContext;
let hv2: ActionContext;
const service = { nodes: ['hv1', 'hv2'], drpnodes: [], encapnodes: [] };

beforeEach(async () => {
  w = simWorld();
  hv1 = testContext(w.host('hv1'));
  hv2 = testContext(w.host('hv2'));
  await hv1.exec(['vgcreate', 'vg1', '/dev/sdb', '/dev/sdc']);
  await hv1.exec(['lvcreate', '-n', 'lv1', '-L', '8m', 'vg1']);
  await hv1.exec(['lvcreate', '-n', 'lv2', '-L', '8m', 'vg1']);
  await hv1.exec(['vgchange', '-a', 'n', 'vg1']);
});
afterEach(() => w.dispose());

const vg = (node: string, type = 'vg') => driver.create(testInit('disk#1', { type, name: 'vg1' }, { nodename: node, service }));
const lv = (node: string, name = 'lv1') => driver.create(testInit('disk#2', { type: 'lv', vg: 'vg1', name }, { nodename: node, service }));
const calls = (node: string) => readFileSync(join(w.state, 'hosts', node, 'calls'), 'utf8').trim().split('\n');
const lvsOn = async (ctx: ActionContext) => (await ctx.exec(['lvs', '--noheadings', '-o', 'name,attr', 'vg1'])).stdout;

test('start tags and activates, the OpenSVC way; start again changes nothing; stop deactivates and untags', async () => {
  const r = vg('hv1');
  expect(r.label()).toBe('vg vg1');
  expect(await r.status(hv1)).toEqual({ status: 'down', log: ['vg1 is not active here (no logical volume active, not tagged by hv1)'] });
  await r.start(hv1);
  expect(calls('hv1').filter((c) => /^(vgs|vgchange)/.test(c)).slice(-4)).toEqual([
    'vgs --noheadings --separator ; -o name,attr,tags vg1',
    'vgchange --addtag @hv1 vg1',
    'vgchange -a y vg1',
    'vgs --noheadings --separator ; -o name,attr,tags vg1',
  ]);
  expect(await r.status(hv1)).toEqual({ status: 'up', log: [] });
  const n = calls('hv1').length;
  await r.start(hv1);
  expect(calls('hv1').slice(n).filter((c) => c.startsWith('vgchange'))).toEqual([]);
  await r.stop(hv1);
  expect(calls('hv1').filter((c) => c.startsWith('vgchange')).slice(-2)).toEqual(['vgchange -a n vg1', 'vgchange --deltag @hv1 vg1']);
  expect(await r.status(hv1)).toEqual({ status: 'down', log: ['vg1 is not active here (no logical volume active, not tagged by hv1)'] });
  const m = calls('hv1').length;
  await r.stop(hv1);
  expect(calls('hv1').slice(m).filter((c) => c.startsWith('vgchange'))).toEqual([]);
});

test('the other node sees the tag, not the activation; a start there takes the VG over with a warning (the last holder is gone: the start rule)', async () => {
  await vg('hv1').start(hv1);
  // Device-mapper is per host: hv2 sees the LVs inactive, and hv1's tag.
  expect(await lvsOn(hv2)).toBe('  lv1 -wi-------\n  lv2 -wi-------\n');
  expect(await vg('hv2').status(hv2)).toEqual({ status: 'down', log: ['vg1 is tagged by hv1, not by hv2'] });
  const warned: string[] = [];
  await vg('hv2', 'lvm').start({ ...hv2, log: { ...hv2.log, warn: (m: string) => warned.push(m) } });
  expect(warned).toEqual(['disk#1: vg1 is tagged by hv1: taking it over']);
  expect(calls('hv2').filter((c) => c.startsWith('vgchange'))).toEqual(['vgchange --deltag @hv1 vg1', 'vgchange --addtag @hv2 vg1', 'vgchange -a y vg1']);
  expect(await vg('hv2').status(hv2)).toEqual({ status: 'up', log: [] });
  // hv1 still has its LVs active (nothing told it): a warning there, as the split it is.
  expect(await vg('hv1').status(hv1)).toEqual({ status: 'warn', log: ['warn: vg1 is active here but tagged by hv2'] });
});

test('with volume_list = ["@*"], an untagged node activates nothing, and the driver says why', async () => {
  mkdirSync(join(w.state, 'hosts', 'hv2'), { recursive: true });
  writeFileSync(join(w.state, 'hosts', 'hv2', 'volume_list'), '@*\n');
  await hv2.exec(['vgchange', '-a', 'y', 'vg1']);
  expect(await lvsOn(hv2)).toBe('  lv1 -wi-------\n  lv2 -wi-------\n');
  await vg('hv2').start(hv2);
  expect(await vg('hv2').status(hv2)).toEqual({ status: 'up', log: [] });
  // A tag lvm.conf does not let through: start fails naming the filter.
  writeFileSync(join(w.state, 'hosts', 'hv2', 'volume_list'), '@other\n');
  await vg('hv2').stop(hv2);
  await expect(vg('hv2').start(hv2)).rejects.toMatchObject({ code: 'DiskActionFailed', message: 'disk#1: vgchange -a y vg1 activated no logical volume', hint: expect.stringContaining('activation/volume_list') });
});

test.each([
  ['a missing PV', (s: string) => patch(s, (m) => m.missing.push('/dev/sdc')), 'is partial: some of its PVs are missing'],
  ['an exported VG', (s: string) => patch(s, (m) => (m.vgs.vg1.exported = true)), 'is exported (vgimport it first)'],
  ['a clustered VG', (s: string) => patch(s, (m) => (m.vgs.vg1.clustered = true)), 'is clustered: it needs clvmd, which capsule does not drive'],
])('%s: status warns, start refuses with the reason', async (_, breakIt, why) => {
  breakIt(w.state);
  const s = await vg('hv1').status(hv1);
  expect(s.log).toContain(`warn: vg1 ${why}`);
  await expect(vg('hv1').start(hv1)).rejects.toMatchObject({ code: 'DiskActionFailed', message: `disk#1: volume group vg1 ${why}; not activated` });
});

test('an unknown VG: down with the reason, start refused, stop quiet', async () => {
  const r = driver.create(testInit('disk#1', { type: 'vg', name: 'nope' }, { service }));
  expect(await r.status(hv1)).toEqual({ status: 'down', log: ['volume group nope not found'] });
  await expect(r.start(hv1)).rejects.toMatchObject({ code: 'DiskNotFound', message: 'disk#1: volume group nope not found' });
  await r.stop(hv1);
});

test('an LV in use is not deactivated: stop fails with lvm2 words and a hint', async () => {
  await vg('hv1').start(hv1);
  mkdirSync(join(w.state, 'hosts', 'hv1', 'faults'), { recursive: true });
  writeFileSync(join(w.state, 'hosts', 'hv1', 'faults', 'open-vg1-lv1'), '');
  await expect(vg('hv1').stop(hv1)).rejects.toMatchObject({ code: 'DiskActionFailed', message: 'disk#1: vgchange -a n vg1 failed with exit 5: Can\'t deactivate volume group "vg1" with 1 open logical volume(s)', hint: expect.stringContaining('stop what uses the logical volumes of vg1') });
  expect(await vg('hv1').status(hv1)).toEqual({ status: 'up', log: [] });
});

test('disk.lv: lvchange -a y / -a n on vg/lv, idempotent, status from lv_attr', async () => {
  const r = lv('hv1');
  expect(r.label()).toBe('lv vg1/lv1');
  expect(await r.status(hv1)).toEqual({ status: 'down', log: ['vg1/lv1 is not active (attr -wi-------)'] });
  await r.start(hv1);
  await r.start(hv1);
  expect(await r.status(hv1)).toEqual({ status: 'up', log: [] });
  expect(await lvsOn(hv1)).toBe('  lv1 -wi-a-----\n  lv2 -wi-------\n');
  await r.stop(hv1);
  await r.stop(hv1);
  expect(calls('hv1').filter((c) => c.startsWith('lvchange'))).toEqual(['lvchange -a y vg1/lv1', 'lvchange -a n vg1/lv1']);
  expect((await r.status(hv1)).status).toBe('down');
  const none = lv('hv1', 'lv9');
  expect(await none.status(hv1)).toEqual({ status: 'down', log: ['logical volume vg1/lv9 not found'] });
  await expect(none.start(hv1)).rejects.toMatchObject({ code: 'DiskNotFound' });
  patch(w.state, (m) => m.missing.push('/dev/sdb'));
  await expect(r.start(hv1)).rejects.toMatchObject({ code: 'DiskActionFailed', message: "disk#2: lvchange -a y vg1/lv1 failed with exit 5: Refusing activation of partial LV vg1/lv1.  Use '--activationmode partial' to override." });
});

interface Metadata {
  vgs: Record<string, { exported: boolean; clustered: boolean }>;
  missing: string[];
}
function patch(state: string, edit: (m: Metadata & { vgs: { vg1: { exported: boolean; clustered: boolean } } }) => unknown): void {
  const f = join(state, 'lvm-metadata.json');
  const m = JSON.parse(readFileSync(f, 'utf8'));
  edit(m);
  writeFileSync(f, JSON.stringify(m));
}

test("devices: a VG's PVs and an LV's, active or not; none for a VG that does not exist", async () => {
  await hv1.exec(['vgcreate', 'vg2', '/dev/sdd']);
  expect(await vg('hv1').devices!(hv1)).toEqual(['/dev/sdb', '/dev/sdc']);
  expect(await lv('hv2').devices!(hv2)).toEqual(['/dev/sdb', '/dev/sdc']);
  expect(await driver.create(testInit('disk#3', { type: 'vg', name: 'nosuchvg' }, { service })).devices!(hv1)).toEqual([]);
});
