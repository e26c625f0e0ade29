// The sg_persist simulator's fidelity: sg3_utils' output texts, SPC-4 PR rules and exit codes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SG_PERSIST_BIN, SharedLuns } from '../lib/fixture.mjs';

const all = [];
after(() => all.forEach((l) => l.dispose()));
function luns() {
  const l = new SharedLuns();
  all.push(l);
  l.lun('/dev/sdb');
  return l;
}
function sg(l, host, ...args) {
  return new Promise((resolve) => {
    const child = spawn(join(SG_PERSIST_BIN, 'sg_persist'), args, { env: { ...process.env, ...l.env(host) } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('register, reserve type 5, read keys and reservation in sg3_utils\' words, clear', async () => {
  const l = luns();
  assert.deepEqual(await sg(l, 'hv1', '-n', '-i', '-k', '/dev/sdb'), { code: 0, stdout: '  PR generation=0x0, there are NO registered reservation keys\n', stderr: '' });
  assert.equal((await sg(l, 'hv1', '-i', '-r', '/dev/sdb')).stdout, '  LIO-ORG   disk0             4.0 \n  Peripheral device type: disk\n  PR generation=0x0, there is NO reservation held\n');
  assert.equal((await sg(l, 'hv1', '-n', '--out', '--register-ignore', '--param-sark=0x8a1b2c3d4e5f6071', '/dev/sdb')).code, 0);
  assert.equal((await sg(l, 'hv2', '-n', '--out', '--register-ignore', '--param-sark=0x90520a45138e85', '/dev/sdb')).code, 0);
  assert.equal((await sg(l, 'hv1', '-n', '--out', '--reserve', '--param-rk=0x8a1b2c3d4e5f6071', '--prout-type=5', '/dev/sdb')).code, 0);
  assert.equal((await sg(l, 'hv1', '-n', '-i', '-k', '/dev/sdb')).stdout, '  PR generation=0x2, 2 registered reservation keys follow:\n    0x8a1b2c3d4e5f6071\n    0x90520a45138e85\n');
  assert.equal((await sg(l, 'hv2', '-n', '-i', '-r', '/dev/sdb')).stdout, '  PR generation=0x2, Reservation follows:\n    Key=0x8a1b2c3d4e5f6071\n    scope: LU_SCOPE,  type: Write Exclusive, registrants only\n');
  // A second reserve by the holder is a no-op; by another registrant, a conflict.
  assert.equal((await sg(l, 'hv1', '-n', '--out', '--reserve', '--param-rk=0x8a1b2c3d4e5f6071', '--prout-type=5', '/dev/sdb')).code, 0);
  assert.deepEqual(await sg(l, 'hv2', '-n', '--out', '--reserve', '--param-rk=0x90520a45138e85', '--prout-type=5', '/dev/sdb'), { code: 24, stdout: '', stderr: 'PR out (Reserve): Reservation conflict\n' });
  assert.equal((await sg(l, 'hv1', '-n', '--out', '--clear', '--param-rk=0x8a1b2c3d4e5f6071', '/dev/sdb')).code, 0);
  assert.deepEqual(l.state('/dev/sdb').registrations, {});
  // hv2 was registered: the clear leaves it a unit attention, reported once.
  assert.deepEqual(await sg(l, 'hv2', '-n', '-i', '-k', '/dev/sdb'), { code: 6, stdout: '', stderr: 'PR in (Read keys): Unit attention\n' });
  assert.equal((await sg(l, 'hv2', '-n', '-i', '-k', '/dev/sdb')).code, 0);
});

test('preempt-abort takes the reservation of a dead node and removes its registration; wrong keys conflict', async () => {
  const l = luns();
  await sg(l, 'hv1', '-n', '--out', '--register-ignore', '--param-sark=0x1111', '/dev/sdb');
  await sg(l, 'hv1', '-n', '--out', '--reserve', '--param-rk=0x1111', '--prout-type=5', '/dev/sdb');
  assert.equal((await sg(l, 'hv2', '-n', '--out', '--preempt-abort', '--param-sark=0x1111', '--param-rk=0x2222', '--prout-type=5', '/dev/sdb')).code, 24);
  await sg(l, 'hv2', '-n', '--out', '--register-ignore', '--param-sark=0x2222', '/dev/sdb');
  assert.equal((await sg(l, 'hv2', '-n', '--out', '--preempt-abort', '--param-sark=0x3333', '--param-rk=0x2222', '--prout-type=5', '/dev/sdb')).code, 24);
  assert.equal((await sg(l, 'hv2', '-n', '--out', '--preempt-abort', '--param-sark=0x1111', '--param-rk=0x2222', '--prout-type=5', '/dev/sdb')).code, 0);
  const s = l.state('/dev/sdb');
  assert.deepEqual([s.registrations, s.reservation, s.unitAttention], [{ hv2: String(0x2222) }, { host: 'hv2', key: String(0x2222), type: 5 }, ['hv1']]);
  assert.deepEqual(await sg(l, 'hv1', '-n', '--out', '--register-ignore', '--param-sark=0x1111', '/dev/sdb'), { code: 6, stdout: '', stderr: 'PR out (Register and ignore existing key): Unit attention\n' });
  // Release by a non-holder does nothing; by the holder with the wrong type: illegal request.
  assert.equal((await sg(l, 'hv2', '-n', '--out', '--release', '--param-rk=0x2222', '--prout-type=1', '/dev/sdb')).code, 5);
  assert.equal((await sg(l, 'hv2', '-n', '--out', '--release', '--param-rk=0x2222', '--prout-type=5', '/dev/sdb')).code, 0);
  assert.equal(l.state('/dev/sdb').reservation, null);
  // Unregister: register-ignore with the key as rk and no sark.
  assert.equal((await sg(l, 'hv2', '-n', '--out', '--register-ignore', '--param-rk=0x2222', '/dev/sdb')).code, 0);
  assert.deepEqual(l.state('/dev/sdb').registrations, {});
});

test('open errors and syntax errors', async () => {
  const l = luns();
  assert.deepEqual(await sg(l, 'hv1', '-n', '-i', '-k', '/dev/sdz'), { code: 52, stdout: '', stderr: 'sg_persist: error opening file /dev/sdz (rw): No such file or directory\n' });
  assert.equal((await sg(l, 'hv1', '--bogus', '/dev/sdb')).code, 1);
  assert.equal((await sg(l, 'hv1', '-n', '--out', '/dev/sdb')).code, 1);
});
