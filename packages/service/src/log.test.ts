import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
  expect(echoed).toEqual(['ip#1: start 198.51.100.5@eth0\n', 'app#1: warn: post_start exited 1\n']);
  expect(await readFile(join(dir, 'log'), 'utf8')).toMatch(/^\S+Z INFO  ip#1: start 198\.51\.100\.5@eth0\n\S+Z WARN  app#1: post_start exited 1\n$/);
});

test('values of secret-looking [env] keys never reach the log or stderr', async () => {
  const echoed: string[] = [];
  const log = new ServiceLog(dir, { db_password: 's3cr3t-pw', api_token: 'tok-123', port: '8080' }, (l) => echoed.push(l));
  log.for('app#1').error('login with s3cr3t-pw and tok-123 on 8080 failed');
  const file = await readFile(join(dir, 'log'), 'utf8');
  for (const text of [file, echoed.join('')]) {
    expect(text).toContain('login with *** and *** on 8080 failed');
    expect(text).not.toMatch(/s3cr3t|tok-123/);
  }
});
