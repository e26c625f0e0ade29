import { CapsuleError, type Exec } from '@capsule/core';
import { testContext } from '@capsule/testenv';
import { statMountPoint } from './inode.js';

// The real hang is in test/fs.test.ts (a FUSE mount nobody answers); here, each outcome of the exec.
test.each<[string, Exec, unknown]>([
  ['answers', async () => ({ code: 0, stdout: '0 0 755\n', stderr: '' }), { inode: { uid: 0, gid: 0, mode: 0o755 } }],
  ['fails', async () => ({ code: 1, stdout: '', stderr: "stat: cannot statx '/m': Transport endpoint is not connected\n" }), { failed: "stat: cannot statx '/m': Transport endpoint is not connected" }],
  ['times out', async () => Promise.reject(new CapsuleError('ExecTimeout', 'stat did not finish')), { hung: true }],
])('stat %s', async (_, exec, outcome) => expect(await statMountPoint(testContext(exec), '/m', 1)).toEqual(outcome));

test('the timeout given to the exec is stat_timeout', async () => {
  let seen: number | undefined;
  await statMountPoint(testContext(async (_argv, o) => ((seen = o?.timeoutMs), { code: 0, stdout: '0 0 755', stderr: '' })), '/m', 7);
  expect(seen).toBe(7000);
});

test('another exec error is not taken for a hang', async () => {
  await expect(statMountPoint(testContext(async () => Promise.reject(new CapsuleError('ExecAborted', 'aborted'))), '/m', 1)).rejects.toMatchObject({ code: 'ExecAborted' });
});
