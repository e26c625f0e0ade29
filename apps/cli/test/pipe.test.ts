// Output through a pipe to a reader slower than the CLI: every byte arrives
// and the exit code is the command's, however much is still buffered when
// the command is done.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEntry } from './cli.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-pipe-'));
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
  await mkdir(join(root, 'var/lib/capsule/big'), { recursive: true });
  await writeFile(join(root, 'etc/capsule/big.conf'), '[DEFAULT]\nnodes = hv1\n');
});
afterAll(() => rm(root, { recursive: true, force: true }));

const env = () => ({ PATH: process.env['PATH'] ?? '/usr/bin:/bin', CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1' });

/** What svcmgr prints into a file, which takes every write at once: what the pipe must carry too. */
async function intoFile(args: string[]): Promise<Buffer> {
  const file = join(root, 'out');
  const fd = openSync(file, 'w');
  try {
    spawnSync(process.execPath, [cliEntry('svcmgr'), ...args], { env: env(), stdio: ['ignore', fd, 'ignore'] });
  } finally {
    closeSync(fd);
  }
  return readFile(file);
}

/** Runs svcmgr with its stdout on a pipe read one chunk per timer turn: the CLI is done long before its reader. */
function slowlyRead(args: string[]): Promise<{ code: number | null; bytes: Buffer; stderr: string }> {
  const child = spawn(process.execPath, [cliEntry('svcmgr'), ...args], {
    env: env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    chunks.push(d);
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 1);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, bytes: Buffer.concat(chunks), stderr }));
  });
}

test('10 MB of logs through a slow pipe: every byte, exit 0', async () => {
  const line = `${'x'.repeat(99)}\n`;
  const log = line.repeat((10 * 1024 * 1024) / line.length);
  await writeFile(join(root, 'var/lib/capsule/big/log'), log);
  const r = await slowlyRead(['-s', 'big', 'logs']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.bytes.length).toBe(Buffer.byteLength(log));
  expect(r.bytes.equals(Buffer.from(log))).toBe(true);
}, 60_000);

test('a large evaluated config that ends in an error: every byte of it, then exit 1', async () => {
  const sections = Array.from({ length: 2000 }, (_, i) => `[app#${i}]\ncomment = ${'c'.repeat(200)}\n`).join('');
  await writeFile(join(root, 'etc/capsule/big.conf'), `[DEFAULT]\nnodes = hv1\n${sections}[app#last]\ncomment = {nothere}\n`);
  const r = await slowlyRead(['-s', 'big', 'print', 'config', '--eval']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/app#last\.comment: \{nothere\}/);
  expect(r.bytes.length).toBeGreaterThan(400_000);
  expect(r.bytes.equals(await intoFile(['-s', 'big', 'print', 'config', '--eval']))).toBe(true);
}, 60_000);
