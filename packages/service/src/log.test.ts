import { mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceLog } from './log.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-log-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

test('events go to the file with time, level and rid, and to stderr', async () => {
  const echoed: string[] = [];
  const log = new ServiceLog(dir, {}, (l) => echoed.push(l));
  log.for('ip#1').info('start 198.51.100.5@eth0');
  log.for('app#1').warn('post_start exited 1');
  await log.flush();
  expect(echoed).toEqual(['ip#1: start 198.51.100.5@eth0\n', 'app#1: warn: post_start exited 1\n']);
  expect(await readFile(join(dir, 'log'), 'utf8')).toMatch(/^\S+Z INFO  ip#1: start 198\.51\.100\.5@eth0\n\S+Z WARN  app#1: post_start exited 1\n$/);
});

test('values of secret-looking [env] keys never reach the log or stderr', async () => {
  const echoed: string[] = [];
  const log = new ServiceLog(dir, { db_password: 's3cr3t-pw', api_token: 'tok-123', port: '8080' }, (l) => echoed.push(l));
  log.for('app#1').error('login with s3cr3t-pw and tok-123 on 8080 failed');
  await log.flush();
  const file = await readFile(join(dir, 'log'), 'utf8');
  for (const text of [file, echoed.join('')]) {
    expect(text).toContain('login with *** and *** on 8080 failed');
    expect(text).not.toMatch(/s3cr3t|tok-123/);
  }
});

test('the log rotates by size and keeps three old files', async () => {
  const log = new ServiceLog(dir, {}, () => undefined, { rotateBytes: 200 });
  for (let i = 0; i < 40; i++) {
    log.for('app#1').info(`line ${i} ${'x'.repeat(40)}`);
    await log.flush();
  }
  expect((await readdir(dir)).sort()).toEqual(['log', 'log.1', 'log.2', 'log.3']);
  expect(await readFile(join(dir, 'log'), 'utf8')).toContain('line 39');
});

test('a log symlink is not written through: its target is untouched, the failure is said once', async () => {
  const target = join(dir, 'target');
  await writeFile(target, 'precious\n');
  await symlink(target, join(dir, 'log'));
  const echoed: string[] = [];
  const log = new ServiceLog(dir, {}, (l) => echoed.push(l));
  log.for('app#1').info('hello');
  await log.flush();
  expect(await readFile(target, 'utf8')).toBe('precious\n');
  expect(echoed.filter((l) => l.startsWith('log: cannot write'))).toHaveLength(1);
});
