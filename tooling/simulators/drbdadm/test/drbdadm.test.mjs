// The drbdadm simulator's fidelity: drbd-utils 9's output, messages and exit codes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DrbdCluster, DRBDADM_BIN } from '../lib/fixture.mjs';

const clusters = [];
after(() => clusters.forEach((c) => c.dispose()));
function cluster() {
  const c = new DrbdCluster();
  clusters.push(c);
  c.resource('r0', ['hv1', 'hv2']);
  return c;
}

function drbdadm(c, host, ...args) {
  return new Promise((resolve) => {
    const child = spawn(join(DRBDADM_BIN, 'drbdadm'), args, { env: { ...process.env, ...c.env(host) } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('up, status as drbdsetup prints it, primary, peer view, secondary, down', async () => {
  const c = cluster();
  assert.deepEqual(await drbdadm(c, 'hv1', 'status', 'r0'), { code: 10, stdout: '', stderr: 'r0: No such resource\n' });
  assert.equal((await drbdadm(c, 'hv1', 'up', 'r0')).code, 0);
  assert.equal((await drbdadm(c, 'hv1', 'status', 'r0')).stdout, 'r0 role:Secondary\n  disk:UpToDate\n  hv2 connection:Connecting\n\n');
  await drbdadm(c, 'hv2', 'up', 'r0');
  assert.equal((await drbdadm(c, 'hv1', '--', 'primary', 'r0')).code, 0);
  assert.equal((await drbdadm(c, 'hv2', 'status', 'r0')).stdout, 'r0 role:Secondary\n  disk:UpToDate\n  hv1 role:Primary\n    peer-disk:UpToDate\n\n');
  assert.equal((await drbdadm(c, 'hv1', 'role', 'r0')).stdout, 'Primary\n');
  assert.equal((await drbdadm(c, 'hv1', 'cstate', 'r0')).stdout, 'Connected\n');
  assert.equal((await drbdadm(c, 'hv1', 'dstate', 'r0')).stdout, 'UpToDate/UpToDate\n');
  assert.equal((await drbdadm(c, 'hv1', 'secondary', 'r0')).code, 0);
  assert.equal((await drbdadm(c, 'hv1', 'down', 'r0')).code, 0);
  assert.equal(c.kernel('hv1', 'r0'), undefined);
  // down is idempotent; up twice is not.
  assert.equal((await drbdadm(c, 'hv1', 'down', 'r0')).code, 0);
  await drbdadm(c, 'hv1', 'up', 'r0');
  assert.deepEqual(await drbdadm(c, 'hv1', 'up', 'r0'), { code: 10, stdout: '', stderr: "r0: Failure: (161) Minor or volume exists already (delete it first)\nCommand 'drbdsetup new-minor r0' terminated with exit code 10\n" });
});

test('a second primary is refused with exit 11, unless allow-two-primaries', async () => {
  const c = cluster();
  await drbdadm(c, 'hv1', 'up', 'r0');
  await drbdadm(c, 'hv2', 'up', 'r0');
  await drbdadm(c, 'hv1', 'primary', 'r0');
  assert.deepEqual(await drbdadm(c, 'hv2', 'primary', 'r0'), {
    code: 11,
    stdout: '',
    stderr: "r0: State change failed: (-1) Multiple primaries not allowed by config\nCommand 'drbdsetup primary r0' terminated with exit code 11\n",
  });
  assert.equal(c.kernel('hv2', 'r0').role, 'Secondary');
  c.resource('r0', ['hv1', 'hv2'], { twoPrimaries: true });
  assert.equal((await drbdadm(c, 'hv2', 'primary', 'r0')).code, 0);
});

test('disk states, held-open devices, refused state changes, unknown and foreign resources', async () => {
  const c = cluster();
  c.fault('hv1', 'r0', 'disk', 'Inconsistent');
  await drbdadm(c, 'hv1', 'up', 'r0');
  const noData = await drbdadm(c, 'hv1', 'primary', 'r0');
  assert.deepEqual([noData.code, noData.stderr.split('\n')[0]], [17, 'r0: State change failed: (-2) Need access to UpToDate data']);
  assert.equal((await drbdadm(c, 'hv1', 'primary', '--force', 'r0')).code, 0);
  c.fault('hv1', 'r0', 'open');
  assert.equal((await drbdadm(c, 'hv1', 'secondary', 'r0')).code, 11);
  c.clearFault('hv1', 'r0', 'open');
  c.fault('hv1', 'r0', 'refused', '2');
  assert.equal((await drbdadm(c, 'hv1', 'primary', 'r0')).code, 11);
  assert.equal((await drbdadm(c, 'hv1', 'primary', 'r0')).code, 11);
  assert.equal((await drbdadm(c, 'hv1', 'primary', 'r0')).code, 0);
  c.fault('hv1', 'r0', 'disk', 'Diskless');
  await drbdadm(c, 'hv2', 'up', 'r0');
  assert.match((await drbdadm(c, 'hv2', 'status', 'r0')).stdout, /hv1 role:Primary\n {4}peer-disk:UpToDate\n/);
  assert.deepEqual(await drbdadm(c, 'hv1', 'status', 'nope'), { code: 1, stdout: '', stderr: "'nope' not defined in your config (for this host).\n" });
  assert.deepEqual(await drbdadm(c, 'hv3', 'status', 'r0'), { code: 1, stdout: '', stderr: "'r0' ignored, since this host (hv3) is not mentioned with an 'on' keyword.\n" });
  assert.equal((await drbdadm(c, 'hv1', 'secondary', 'nope')).code, 1);
  c.fault('hv2', 'r0', 'standalone');
  assert.match((await drbdadm(c, 'hv2', 'status', 'r0')).stdout, /hv1 connection:StandAlone\n/);
  assert.equal(c.calls()[0], 'hv1: drbdadm up r0');
});

test("sh-ll-dev: this host's backing disk of each volume, from the config, up or not; none when diskless", async () => {
  const c = cluster();
  assert.deepEqual(await drbdadm(c, 'hv1', 'sh-ll-dev', 'r0'), { code: 0, stdout: '/dev/vg0/r0\n', stderr: '' });
  writeFileSync(join(c.dir, 'drbd.d', 'r1.res'), 'resource r1 {\n    on hv1 {\n        volume 0 {\n            device /dev/drbd1;\n            disk /dev/sdb;\n            meta-disk /dev/sdd;\n        }\n        volume 1 {\n            device /dev/drbd2;\n            disk /dev/sdc;\n            meta-disk internal;\n        }\n        address 10.0.0.1:7790;\n    }\n    on hv2 {\n        device /dev/drbd1;\n        disk none;\n        address 10.0.0.2:7790;\n    }\n}\n');
  assert.equal((await drbdadm(c, 'hv1', 'sh-ll-dev', 'r1')).stdout, '/dev/sdb\n/dev/sdc\n');
  assert.equal((await drbdadm(c, 'hv2', 'sh-ll-dev', 'r1')).stdout, 'none\n');
});
