// disk.loop and disk.raw on real loop devices.
import { testContext, testInit } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { mkdtemp, rm, symlink, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import driver from '../src/index.js';

const ctx = testContext(localExec);
let dir: string;
const files: string[] = [];

async function attached(file: string): Promise<string[]> {
  return (await localExec(['losetup', '-n', '-O', 'NAME', '-j', file])).stdout.split('\n').filter(Boolean);
}

beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-disk-'))));
afterEach(async () => {
  for (const f of files.splice(0)) for (const l of await attached(f)) await localExec(['losetup', '-d', l]);
  await rm(dir, { recursive: true, force: true });
});

async function image(name = 'a.img'): Promise<string> {
  const f = join(dir, name);
  await localExec(['truncate', '-s', '8M', f]);
  files.push(f);
  return f;
}

const disk = (config: Record<string, unknown>, extra = {}) => driver.create(testInit('disk#1', config, extra));

test('loop: start attaches, start again reuses, status follows, stop detaches, stop again is quiet', async () => {
  const file = await image();
  const r = disk({ type: 'loop', file });
  expect(r.label()).toBe(`loop ${file}`);
  expect(await r.status(ctx)).toEqual({ status: 'down', log: [`${file} is not attached to a loop device`] });
  await r.start(ctx);
  const loops = await attached(file);
  expect(loops).toHaveLength(1);
  await r.start(ctx);
  expect(await attached(file)).toEqual(loops);
  expect(await r.status(ctx)).toEqual({ status: 'up', log: [] });
  await r.stop(ctx);
  expect(await attached(file)).toEqual([]);
  expect((await r.status(ctx)).status).toBe('down');
  await r.stop(ctx);
});

test('loop: an attachment made by hand is reused, and every attachment is detached at stop', async () => {
  const file = await image();
  const mine = (await localExec(['losetup', '-f', '--show', file])).stdout.trim();
  const r = disk({ type: 'loop', file });
  await r.start(ctx);
  expect(await attached(file)).toEqual([mine]);
  await localExec(['losetup', '-f', file]);
  expect(await attached(file)).toHaveLength(2);
  await r.stop(ctx);
  expect(await attached(file)).toEqual([]);
});

test('loop: a missing file is down with the reason, and start says what to do', async () => {
  const file = join(dir, 'none.img');
  const r = disk({ type: 'loop', file });
  expect(await r.status(ctx)).toEqual({ status: 'down', log: [`${file} does not exist`] });
  await expect(r.start(ctx)).rejects.toMatchObject({ code: 'DiskNotFound', message: `disk#1: ${file} does not exist`, hint: expect.stringContaining('truncate -s') });
});

test('bad sections: no file, no devs, an unknown type; the devices each type names', async () => {
  expect(() => disk({ type: 'loop' })).toThrow(expect.objectContaining({ code: 'MissingKeyword', message: 'disk#1: disk.loop needs the file keyword' }));
  // A raw section's devices are its devs; a loop holds a file, no device a reservation could take.
  expect(await disk({ type: 'raw', devs: ['/dev/sdb', '/dev/sdc'] }).devices!(ctx)).toEqual(['/dev/sdb', '/dev/sdc']);
  expect(disk({ type: 'loop', file: '/srv/a.img' }).devices).toBeUndefined();
  expect(() => disk({ type: 'raw' })).toThrow(expect.objectContaining({ code: 'MissingKeyword' }));
  expect(() => disk({ type: 'raw', devs: ['/dev/a:/dev/b'] })).toThrow(expect.objectContaining({ code: 'ConfigInvalid', message: expect.stringContaining('src:dst mappings') }));
  expect(() => disk({ type: 'vxvol' })).toThrow(expect.objectContaining({ code: 'ConfigInvalid', message: 'disk#1: type = vxvol is not a disk type of this driver' }));
});

test('raw: present devices are up; start applies owner, group and mode; a missing one is down', async () => {
  const file = await image();
  const dev = (await localExec(['losetup', '-f', '--show', file])).stdout.trim();
  const r = disk({ type: 'raw', devs: [dev], user: 'nobody', group: 'nogroup', perm: '0640', create_char_devices: true });
  expect(r.label()).toBe(`raw ${dev}`);
  const [owner, group, mode] = (await localExec(['stat', '-c', '%U %G %a', dev])).stdout.trim().split(' ');
  expect(await r.status(ctx)).toEqual({ status: 'warn', log: [`warn: ${dev}: owner ${owner}, not nobody, group ${group}, not nogroup, mode ${mode}, not 640`] });
  await r.start(ctx);
  expect((await localExec(['stat', '-c', '%U:%G %a', dev])).stdout.trim()).toBe('nobody:nogroup 640');
  expect(await r.status(ctx)).toEqual({ status: 'up', log: [] });
  await r.start(ctx);
  await r.stop(ctx);
  await r.stop(ctx);
  await localExec(['chown', `${owner}:${group}`, dev]);
  await localExec(['chmod', mode!, dev]);
  const gone = disk({ type: 'raw', devs: [dev, '/dev/capsule-none'] });
  expect(await gone.status(ctx)).toEqual({ status: 'down', log: ['/dev/capsule-none does not exist'] });
  await expect(gone.start(ctx)).rejects.toMatchObject({ code: 'DiskNotFound', message: 'disk#1: /dev/capsule-none: no such device' });
});

test('raw: promote_rw sets a read-only device read-write at start; one read-only below the block layer is an error', async () => {
  const dev = (await localExec(['losetup', '-f', '--show', await image()])).stdout.trim();
  await localExec(['blockdev', '--setro', dev]);
  expect((await localExec(['blockdev', '--getro', dev])).stdout.trim()).toBe('1');
  await disk({ type: 'raw', devs: [dev], promote_rw: true }).start(ctx);
  expect((await localExec(['blockdev', '--getro', dev])).stdout.trim()).toBe('0');
  const ro = (await localExec(['losetup', '-f', '--show', '-r', await image('b.img')])).stdout.trim();
  await expect(disk({ type: 'raw', devs: [ro], promote_rw: true }).start(ctx)).rejects.toMatchObject({ code: 'DiskActionFailed', message: `disk#1: blockdev --setrw ${ro} failed with exit 0: ${ro} is still read-only` });
});

test('disk: found by wwn under /dev/disk/by-id, n/a when there as in OpenSVC, down and refused when not', async () => {
  const file = await image();
  const dev = (await localExec(['losetup', '-f', '--show', file])).stdout.trim();
  const root = join(dir, 'root');
  await mkdir(join(root, 'dev/disk/by-id'), { recursive: true });
  const r = disk({ type: 'disk', disk_id: '0x600A0B80', name: 'data' }, { root });
  expect(r.label()).toBe('disk 600a0b80');
  expect(await r.status(ctx)).toEqual({ status: 'down', log: [`no device for disk 600a0b80 in ${root}/dev/disk/by-id (dm-uuid-mpath-3600a0b80 or wwn-0x600a0b80)`] });
  await expect(r.start(ctx)).rejects.toMatchObject({ code: 'DiskNotFound', message: 'disk#1: disk 600a0b80 is not visible on this node' });
  expect(await r.devices!(ctx)).toEqual([]);
  await symlink(dev, join(root, 'dev/disk/by-id/dm-uuid-mpath-3600a0b80'));
  expect(await r.status(ctx)).toEqual({ status: 'n/a', log: [] });
  expect(await r.devices!(ctx)).toEqual([join(root, 'dev/disk/by-id/dm-uuid-mpath-3600a0b80')]);
  await r.start(ctx);
  await r.stop(ctx);
  expect(await disk({ type: 'disk' }).status(ctx)).toEqual({ status: 'n/a', log: ['disk_id is not set: the disk is not provisioned'] });
});
