import { spawnSync } from 'node:child_process';
import { lstat, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atomicWrite, writeStateFile } from './atomic.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-w-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The pid of a process that has exited. */
const deadPid = () => spawnSync('true').pid!;

describe('atomicWrite', () => {
  test('replaces the file and leaves no temp file', async () => {
    const path = join(dir, 'web1.conf');
    await writeFile(path, 'old');
    await atomicWrite(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['web1.conf']);
  });

  test('an mtime given is on the file from the moment it appears (a replicated copy keeps its sender\'s)', async () => {
    const path = join(dir, 'web1.conf');
    const at = new Date('2026-01-02T03:04:05.678Z');
    await atomicWrite(path, 'copy', { mtime: at });
    // Seconds as a float on the way down: exact to the millisecond, not below.
    expect(Math.abs((await stat(path)).mtimeMs - at.getTime())).toBeLessThan(1);
  });

  test('concurrent writes of one file in one process all land, one of them whole', async () => {
    // Found by syncing four guests at once: temp names were only pid and millisecond.
    const path = join(dir, 'config.version');
    const values = Array.from({ length: 20 }, (_, i) => `generation ${i}\n`);
    await Promise.all(values.map((v) => atomicWrite(path, v)));
    expect(values).toContain(await readFile(path, 'utf8'));
    expect(await readdir(dir)).toEqual(['config.version']);
  });

  test('a failed write keeps the old file', async () => {
    const path = join(dir, 'web1.conf');
    await writeFile(path, 'old');
    await expect(atomicWrite(join(dir, 'missing-dir', 'x.conf'), 'new')).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['web1.conf']);
  });

  test.each([
    ['a dead writer', () => deadPid(), false],
    ['a live writer', () => process.ppid, true],
  ])('the temp file of %s is removed on the next write: %s', async (_who, pid, kept) => {
    const temp = `.other.conf.${pid()}.1700000000000.tmp`;
    await writeFile(join(dir, temp), 'half');
    await atomicWrite(join(dir, 'web1.conf'), 'new');
    expect((await readdir(dir)).sort()).toEqual(kept ? [temp, 'web1.conf'] : ['web1.conf']);
  });

  test.each([0o600, 0o664].map((m) => [m.toString(8), m] as const))('mode 0%s is the mode of the file, whatever the umask', async (_, mode) => {
    const path = join(dir, 'node.conf');
    const umask = process.umask(0o077);
    try {
      await atomicWrite(path, 'secret = x\n', { mode });
    } finally {
      process.umask(umask);
    }
    expect((await stat(path)).mode & 0o777).toBe(mode);
  });

  test.each([
    [true, 'the link survives and its target changes'],
    [false, 'the link is replaced by a regular file'],
  ])('followSymlink %s: %s', async (follow) => {
    const target = join(dir, 'real.conf');
    const link = join(dir, 'web1.conf');
    await writeFile(target, 'old');
    await symlink('real.conf', link);
    await atomicWrite(link, 'new', { followSymlink: follow });
    expect((await lstat(link)).isSymbolicLink()).toBe(follow);
    expect(await readFile(target, 'utf8')).toBe(follow ? 'new' : 'old');
    expect(await readFile(link, 'utf8')).toBe('new');
  });
});

describe('writeStateFile', () => {
  test('creates, then truncates and rewrites a regular file', async () => {
    const path = join(dir, 'frozen');
    await writeStateFile(path, 'a long first content\n');
    await writeStateFile(path, 'b\n');
    expect(await readFile(path, 'utf8')).toBe('b\n');
  });

  test('refuses a symlink with StateFileIsLink and leaves its target alone', async () => {
    const victim = join(dir, 'victim');
    await writeFile(victim, 'precious');
    await symlink(victim, join(dir, 'frozen'));
    await expect(writeStateFile(join(dir, 'frozen'), 'x')).rejects.toMatchObject({ code: 'StateFileIsLink', message: expect.stringContaining(join(dir, 'frozen')) });
    expect(await readFile(victim, 'utf8')).toBe('precious');
  });
});
