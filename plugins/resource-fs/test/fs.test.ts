// fs resources on real tmpfs, loop-device ext4 and xfs mounts, and a FUSE
// mount nobody answers (a hung server).
import { testContext, testInit } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import driver from '../src/index.js';

const ctx = testContext(localExec);
let dir: string;
const mounts: string[] = [];
const loops: string[] = [];
const procs: ChildProcess[] = [];
const fuseFds: number[] = [];

beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-fs-'))));
afterEach(async () => {
  for (const p of procs.splice(0)) p.kill('SIGKILL');
  // Closing the FUSE device aborts its connection: a stat still waiting gets ENOTCONN, the umount goes through.
  for (const fd of fuseFds.splice(0)) closeSync(fd);
  for (const m of mounts.splice(0).reverse()) await localExec(['umount', '-l', m]);
  for (const l of loops.splice(0)) await localExec(['losetup', '-d', l]);
  await rm(dir, { recursive: true, force: true });
});

const fs = (config: Record<string, unknown>) => {
  if (typeof config['mnt'] === 'string') mounts.push(config['mnt'].replace(/\/+$/, ''));
  return driver.create(testInit('fs#1', config));
};

test('tmpfs: start mounts (creating the mount point), status follows, stop unmounts', async () => {
  const mnt = join(dir, 'a/b/mnt');
  const r = fs({ dev: 'tmpfs', mnt: `${mnt}/`, type: 'tmpfs', mnt_opt: 'size=1m' });
  expect(r.label()).toBe(`tmpfs@${mnt}`);
  expect((await r.status(ctx)).status).toBe('down');
  await r.start(ctx);
  expect((await r.status(ctx)).status).toBe('up');
  await r.start(ctx);
  expect((await localExec(['findmnt', '-n', '-o', 'SOURCE', mnt])).stdout.trim()).toBe('tmpfs');
  await r.stop(ctx);
  expect((await r.status(ctx)).status).toBe('down');
  await r.stop(ctx);
});

test('an ext4 image on a loop device, identified through its backing file', async () => {
  const img = join(dir, 'data.img');
  await localExec(['truncate', '-s', '16M', img]);
  expect((await localExec(['mkfs.ext4', '-q', '-F', img])).code).toBe(0);
  const loop = (await localExec(['losetup', '--find', '--show', img])).stdout.trim();
  loops.push(loop);
  const mnt = join(dir, 'data');
  const r = fs({ dev: img, mnt, type: 'ext4' });
  await r.start(ctx);
  expect((await localExec(['findmnt', '-n', '-o', 'FSTYPE', mnt])).stdout.trim()).toBe('ext4');
  expect((await r.status(ctx)).status).toBe('up');
  await r.stop(ctx);
});

test('another source on the mount point is a warning', async () => {
  const mnt = join(dir, 'mnt');
  await fs({ dev: 'tmpfs', mnt, type: 'tmpfs' }).start(ctx);
  expect(await fs({ dev: '/dev/nonexistent', mnt, type: 'ext4' }).status(ctx)).toEqual({ status: 'warn', log: [`warn: ${mnt} is mounted from tmpfs, not /dev/nonexistent`] });
});

test('a busy filesystem is not unmounted and the holder is named', async () => {
  const mnt = join(dir, 'busy');
  const r = fs({ dev: 'tmpfs', mnt, type: 'tmpfs' });
  await r.start(ctx);
  await writeFile(join(mnt, 'f'), 'x');
  const holder = spawn('sleep', ['60'], { cwd: mnt });
  procs.push(holder);
  await new Promise((res) => holder.on('spawn', res));
  await expect(r.stop(ctx)).rejects.toMatchObject({ code: 'FsBusy', message: expect.stringMatching(new RegExp(`${mnt} is busy, used by ${holder.pid} \\(sleep\\); not unmounted`)) });
  expect((await r.status(ctx)).status).toBe('up');
  holder.kill('SIGKILL');
  await new Promise((res) => holder.on('exit', res));
  await r.stop(ctx);
  expect((await r.status(ctx)).status).toBe('down');
});

test('a mount failure says which command failed and why', async () => {
  await expect(fs({ dev: join(dir, 'no-such.img'), mnt: join(dir, 'x'), type: 'ext4' }).start(ctx)).rejects.toMatchObject({ code: 'MountFailed', message: expect.stringContaining(`mount -t ext4 ${dir}/no-such.img ${dir}/x failed`) });
});

/** A filesystem image of `type` on a loop device, as a migrated service's device would be. */
async function loopImage(type: 'ext4' | 'xfs'): Promise<string> {
  const img = join(dir, `${type}.img`);
  // mkfs.xfs refuses filesystems under 300 MiB; the file is sparse.
  await localExec(['truncate', '-s', type === 'xfs' ? '320M' : '16M', img]);
  const mkfs = await localExec(type === 'xfs' ? ['mkfs.xfs', '-q', '-f', img] : ['mkfs.ext4', '-q', '-F', img]);
  expect(mkfs).toMatchObject({ code: 0 });
  const loop = (await localExec(['losetup', '--find', '--show', img])).stdout.trim();
  loops.push(loop);
  return loop;
}

const inode = async (path: string) => (await localExec(['stat', '-c', '%U %G %a', path])).stdout.trim();

test.each(['ext4', 'xfs'] as const)('%s: user, group and perm are applied to the mounted root, drift is a warning, start sets them again', async (type) => {
  const loop = await loopImage(type);
  const mnt = join(dir, type);
  const r = fs({ dev: loop, mnt, type, user: 'nobody', group: 'nogroup', perm: '1777', stat_timeout: 5 });
  await r.start(ctx);
  expect(await inode(mnt)).toBe('nobody nogroup 1777');
  expect(await r.status(ctx)).toEqual({ status: 'up', log: [] });
  await chmod(mnt, 0o700);
  await localExec(['chown', 'root:root', mnt]);
  expect(await r.status(ctx)).toEqual({ status: 'up', log: ['warn: uid should be 65534 but is 0', 'warn: gid should be 65534 but is 0', 'warn: perm should be 1777 but is 700'] });
  // Start on a mounted filesystem sets them again, as OpenSVC's does.
  await r.start(ctx);
  expect(await inode(mnt)).toBe('nobody nogroup 1777');
  await r.stop(ctx);
  expect((await r.status(ctx)).status).toBe('down');
  // Unmounted, the mount point itself was never touched: only the filesystem's root carries them.
  expect(await inode(mnt)).toBe('root root 755');
});

test('a user unknown on this node fails the start before anything is mounted', async () => {
  const mnt = join(dir, 'nouser');
  const r = fs({ dev: 'tmpfs', mnt, type: 'tmpfs', user: 'capsule-no-such-user' });
  await expect(r.start(ctx)).rejects.toMatchObject({
    message: 'fs#1: user capsule-no-such-user does not exist on this node',
    hint: 'create the user (getent passwd capsule-no-such-user finds nothing), or fix fs#1.user',
  });
  expect((await r.status(ctx)).status).toBe('down');
});

test('a chmod that fails unmounts what this start mounted', async () => {
  const mnt = join(dir, 'ro');
  // A read-only tmpfs: its root cannot change mode.
  const r = fs({ dev: 'tmpfs', mnt, type: 'tmpfs', mnt_opt: 'ro,mode=755', perm: '700' });
  await expect(r.start(ctx)).rejects.toMatchObject({ message: expect.stringMatching(new RegExp(`^fs#1: chmod 700 ${mnt} failed: .*Read-only file system`)) });
  expect((await r.status(ctx)).status).toBe('down');
});

/**
 * A mount whose server never answers: a FUSE connection opened here and
 * never read, so every request on it (a stat of its root) waits, killable,
 * as on an NFS mount whose server is gone.
 */
async function hungMount(mnt: string): Promise<void> {
  await localExec(['mkdir', '-p', mnt]);
  const fd = openSync('/dev/fuse', 'r+');
  fuseFds.push(fd);
  mounts.push(mnt);
  const m = spawn('mount', ['-t', 'fuse', '-o', 'fd=3,rootmode=40000,user_id=0,group_id=0', 'capsule-hang', mnt], { stdio: ['ignore', 'ignore', 'pipe', fd] });
  let stderr = '';
  m.stderr!.on('data', (d: Buffer) => (stderr += d));
  const code = await new Promise((res) => m.on('exit', res));
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
}

test('stat_timeout: a mount point that does not answer stat is warn within the timeout, never a hung status', async () => {
  const mnt = join(dir, 'hung');
  await hungMount(mnt);
  const r = fs({ dev: 'capsule-hang', mnt, type: 'fuse', stat_timeout: 1 });
  const t0 = Date.now();
  expect(await r.status(ctx)).toEqual({ status: 'warn', log: [`warn: ${mnt} did not answer stat within 1s (stat_timeout): its server or device does not respond`] });
  const elapsed = Date.now() - t0;
  expect(elapsed).toBeGreaterThanOrEqual(1000);
  expect(elapsed).toBeLessThan(4000);
  // Its connection aborted, the stat fails at once: still warn, with the kernel's reason.
  closeSync(fuseFds.pop()!);
  expect(await r.status(ctx)).toEqual({ status: 'warn', log: [expect.stringMatching(new RegExp(`^warn: stat ${mnt} failed: .*Transport endpoint is not connected`))] });
});
