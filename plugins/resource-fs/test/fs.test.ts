// fs resources on real tmpfs and loop-device ext4 mounts.
import { testContext, testInit } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import driver from '../src/index.js';

const ctx = testContext(localExec);
let dir: string;
const mounts: string[] = [];
const loops: string[] = [];
const procs: ChildProcess[] = [];

beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-fs-'))));
afterEach(async () => {
  for (const p of procs.splice(0)) p.kill('SIGKILL');
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
