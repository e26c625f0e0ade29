// The mdadm simulator's fidelity: messages, exit codes and report formats of mdadm(8).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/mdadm', import.meta.url));
const state = mkdtempSync(join(tmpdir(), 'sim-mdadm-'));
after(() => rmSync(state, { recursive: true, force: true }));
const run = (host, ...args) => {
  const r = spawnSync(bin, args, { env: { ...process.env, CAPSULE_SIM_STATE: state, CAPSULE_SIM_HOST: host }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const U = '0a1b2c3d:00000000:11111111:22222222';

test('create, scan, stop, assemble by uuid on another host, already active, stop twice', () => {
  assert.deepEqual(run('n1', '--create', '/dev/md/data', '--level=1', '--raid-devices=2', '/dev/sdb', '/dev/sdc', `--uuid=${U}`), { code: 0, stdout: '', stderr: 'mdadm: Defaulting to version 1.2 metadata\nmdadm: array /dev/md/data started.\n' });
  assert.equal(run('n1', '--detail', '--scan').stdout, `ARRAY /dev/md/data metadata=1.2 name=n1:data UUID=${U}\n`);
  assert.equal(run('n2', '--detail', '--scan').stdout, '', 'running is per host');
  assert.equal(run('n2', '--examine', '--scan').stdout, `ARRAY /dev/md/data  metadata=1.2 UUID=${U} name=n1:data\n`, 'superblocks are on the shared disks');
  assert.equal(run('n2', '--examine', '--scan', '--verbose').stdout, `ARRAY /dev/md/data  level=raid1 num-devices=2 metadata=1.2 UUID=${U} name=n1:data\n   devices=/dev/sdb,/dev/sdc\n`, 'the members with --verbose (corpus/examine-scan-verbose.txt)');
  assert.deepEqual(run('n1', '--stop', '/dev/md/data'), { code: 0, stdout: '', stderr: 'mdadm: stopped /dev/md/data\n' });
  assert.deepEqual(run('n2', '--assemble', '/dev/md/x', '-u', U.replace(/:/g, '-')), { code: 0, stdout: '', stderr: 'mdadm: /dev/md/x has been started with 2 drives.\n' });
  assert.deepEqual(run('n2', '--assemble', '/dev/md/y', `--uuid=${U}`), { code: 1, stdout: '', stderr: 'mdadm: Found some drive for an array that is already active: /dev/md/x\nmdadm: giving up.\n' });
  assert.match(readFileSync(join(state, 'hosts', 'n2', 'mdstat'), 'utf8'), /^md127 : active raid1 sdb\[0\] sdc\[1\]\n +1047552 blocks super 1\.2 \[2\/2\] \[UU\]$/m);
  assert.match(run('n2', '--detail', '/dev/md/x').stdout, /^ {13}State : clean\n/m);
  run('n2', '--stop', '/dev/md/x');
  assert.deepEqual(run('n2', '--stop', '/dev/md/x'), { code: 1, stdout: '', stderr: 'mdadm: error opening /dev/md/x: No such file or directory\n' });
});

test('a member missing: raid1 starts degraded; an unknown uuid and a bad one fail', () => {
  writeFileSync(join(state, 'hosts', 'n1', 'missing'), '/dev/sdc\n');
  assert.equal(run('n1', '--assemble', '/dev/md/data', `--uuid=${U}`).stderr, 'mdadm: /dev/md/data has been started with 1 drive (out of 2).\n');
  assert.match(run('n1', '--detail', '/dev/md/data').stdout, /State : clean, degraded\n[\s\S]*removed\n/);
  assert.deepEqual(run('n1', '--assemble', '/dev/md/z', '--uuid=ffffffff:00000000:11111111:22222222'), { code: 1, stdout: '', stderr: 'mdadm: no devices found for /dev/md/z\n' });
  assert.deepEqual(run('n1', '--assemble', '/dev/md/z', '--uuid=xyz'), { code: 2, stdout: '', stderr: 'mdadm: bad uuid: xyz\n' });
  assert.deepEqual(run('n1', '--detail', '/dev/md9'), { code: 1, stdout: '', stderr: 'mdadm: cannot open /dev/md9: No such file or directory\n' });
});
