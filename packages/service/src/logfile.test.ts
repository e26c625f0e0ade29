import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendRotating, LogWriter } from './logfile.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-logfile-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

test('rotates by size, keeps three, the newest lines in the file itself', async () => {
  const file = join(dir, 'agent.log');
  for (let i = 0; i < 10; i++) await appendRotating(file, `line ${i} ${'x'.repeat(50)}\n`, { rotateBytes: 100 });
  expect((await readdir(dir)).sort()).toEqual(['agent.log', 'agent.log.1', 'agent.log.2', 'agent.log.3']);
  expect(await readFile(file, 'utf8')).toContain('line 9');
  expect(await readFile(`${file}.3`, 'utf8')).not.toContain('line 0');
});

test('a writer keeps the order of its lines, and reports a symlink planted in place of the log instead of writing through it', async () => {
  const w = new LogWriter(join(dir, 'a.log'));
  for (let i = 0; i < 50; i++) w.append(`${i}\n`);
  expect(await w.flush()).toBeUndefined();
  expect((await readFile(join(dir, 'a.log'), 'utf8')).trim().split('\n').map(Number)).toEqual([...Array(50).keys()]);
  await writeFile(join(dir, 'target'), '');
  await symlink(join(dir, 'target'), join(dir, 'b.log'));
  const b = new LogWriter(join(dir, 'b.log'));
  b.append('secret line\n');
  expect((await b.flush())?.message).toMatch(/ELOOP/);
  expect(await readFile(join(dir, 'target'), 'utf8')).toBe('');
});
