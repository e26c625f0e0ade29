// The lvm simulator's fidelity: report formats, messages and exit codes of lvm2, two hosts on one state.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin', import.meta.url));
const state = mkdtempSync(join(tmpdir(), 'sim-lvm-'));
after(() => rmSync(state, { recursive: true, force: true }));
const run = (host, tool, ...args) => {
  const r = spawnSync(join(bin, tool), args, { env: { ...process.env, CAPSULE_SIM_STATE: state, CAPSULE_SIM_HOST: host }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('create, report, tag and activate; activation is per host, tags are shared', () => {
  assert.deepEqual(run('n1', 'vgcreate', 'vg1', '/dev/sdb'), { code: 0, stdout: '  Physical volume "/dev/sdb" successfully created.\n  Volume group "vg1" successfully created\n', stderr: '' });
  assert.equal(run('n1', 'lvcreate', '-n', 'lv1', '-L', '10m', 'vg1').stdout, '  Logical volume "lv1" created.\n');
  assert.equal(run('n1', 'vgs').stdout, '  VG  #PV #LV #SN Attr   VSize VFree\n  vg1   1   1   0 wz--n- 1.00g 1012.00m\n');
  assert.equal(run('n1', 'lvs', '--noheadings', '-o', 'name,attr,size', 'vg1').stdout, '  lv1 -wi-a----- 12.00m\n');
  assert.equal(run('n1', 'vgchange', '--addtag', '@n1', 'vg1').stdout, '  Volume group "vg1" successfully changed\n');
  assert.equal(run('n2', 'vgs', '--noheadings', '--separator', ';', '-o', 'name,attr,tags').stdout, '  vg1;wz--n-;n1\n');
  assert.equal(run('n2', 'lvs', '--noheadings', '-o', 'attr', 'vg1/lv1').stdout, '  -wi-------\n');
  assert.equal(run('n2', 'lvm', 'vgchange', '-ay', 'vg1').stdout, '  1 logical volume(s) in volume group "vg1" now active\n');
  assert.equal(run('n1', 'vgchange', '-a', 'n', 'vg1').stdout, '  0 logical volume(s) in volume group "vg1" now active\n');
  assert.equal(run('n2', 'lvs', '--noheadings', '-o', 'lv_active', 'vg1').stdout, '  active\n');
});

test('errors: unknown VG and LV (exit 5), bad options (exit 3), partial and exported VGs', () => {
  assert.deepEqual(run('n1', 'vgchange', '-ay', 'nope'), { code: 5, stdout: '', stderr: '  Volume group "nope" not found\n  Cannot process volume group nope\n' });
  assert.deepEqual(run('n1', 'lvchange', '-ay', 'vg1/nope'), { code: 5, stdout: '', stderr: '  Failed to find logical volume "vg1/nope"\n' });
  assert.deepEqual(run('n1', 'vgs', '--bogus'), { code: 3, stdout: '', stderr: "vgs: unrecognized option '--bogus'\n  Error during parsing of command line.\n" });
  assert.equal(run('n1', 'vgs', '-o', 'name,bogus').code, 5);
  run('n1', 'vgchange', '-ay', 'vg1');
  assert.deepEqual(run('n1', 'vgexport', 'vg1'), { code: 5, stdout: '', stderr: '  Volume group "vg1" has active logical volumes\n' });
  // n2's activation is invisible to n1, as device-mapper is per host.
  run('n1', 'vgchange', '-an', 'vg1');
  assert.equal(run('n1', 'vgexport', 'vg1').stdout, '  Volume group "vg1" successfully exported\n');
  assert.equal(run('n1', 'vgs', '--noheadings', '-o', 'attr', 'vg1').stdout, '  wzx-n-\n');
  assert.deepEqual(run('n1', 'vgchange', '-ay', 'vg1'), { code: 5, stdout: '', stderr: '  Volume group "vg1" is exported\n  Cannot process volume group vg1\n' });
  run('n1', 'vgimport', 'vg1');
  run('n1', 'vgcreate', 'vg2', '/dev/sdc', '/dev/sdd');
  run('n1', 'lvcreate', '-n', 'lv1', '-L', '4m', 'vg2');
  run('n1', 'vgchange', '-an', 'vg2');
  const f = join(state, 'lvm-metadata.json');
  const m = JSON.parse(spawnSync('cat', [f], { encoding: 'utf8' }).stdout);
  m.missing.push('/dev/sdd');
  writeFileSync(f, JSON.stringify(m));
  const p = run('n1', 'vgchange', '-ay', 'vg2');
  assert.equal(p.code, 5);
  assert.match(p.stderr, /WARNING: VG vg2 is missing PV .* \(last written to \/dev\/sdd\)\.\n  Refusing activation of partial LV vg2\/lv1\.  Use '--activationmode partial' to override\.\n$/);
  assert.equal(p.stdout, '  0 logical volume(s) in volume group "vg2" now active\n');
  assert.equal(run('n1', 'vgs', '--noheadings', '-o', 'attr', 'vg2').stdout, '  wz-pn-\n');
  assert.equal(run('n1', 'vgchange', '-ay', '--activationmode', 'partial', 'vg2').code, 0);
  assert.equal(run('n1', 'lvs', '--noheadings', '-o', 'attr', 'vg2').stdout, '  -wi-a---p-\n');
  assert.match(run('n1', 'vgchange', '--addtag', 'x', 'vg2').stderr, /Cannot change VG vg2 while PVs are missing\./);
});

test('volume_list = ["@*"]: only what carries the host tag is activated', () => {
  run('h', 'vgcreate', 'vg3', '/dev/sde');
  run('h', 'lvcreate', '-n', 'lv1', '-L', '4m', 'vg3');
  run('h2', 'vgs');
  writeFileSync(join(state, 'hosts', 'h2', 'volume_list'), '@*\n');
  assert.equal(run('h2', 'vgchange', '-ay', 'vg3').stdout, '  0 logical volume(s) in volume group "vg3" now active\n');
  run('h2', 'vgchange', '--addtag', 'h2', 'vg3');
  assert.equal(run('h2', 'vgchange', '-ay', 'vg3').stdout, '  1 logical volume(s) in volume group "vg3" now active\n');
});
