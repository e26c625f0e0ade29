// The action lock with real processes.
import { isCapsuleError } from '@capsule/core';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireLock } from '../src/lock.js';

const lockModule = fileURLToPath(new URL('../dist/lock.js', import.meta.url));
const worker = fileURLToPath(new URL('./fixtures/lock-worker.mjs', import.meta.url));
let dir: string;
const children: ChildProcess[] = [];

beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-lock-'))));
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function run(hold: string): ChildProcess {
  const c = spawn(process.execPath, [worker, lockModule, dir, join(dir, 'out'), hold], { stdio: 'inherit' });
  children.push(c);
  return c;
}
const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.on('exit', (code) => r(code))));

async function waitFor(cond: () => Promise<boolean>): Promise<void> {
  while (!(await cond())) await new Promise((r) => setTimeout(r, 20));
}

test('10 concurrent processes hold the lock one at a time', async () => {
  const procs = Array.from({ length: 10 }, () => run('30'));
  expect(await Promise.all(procs.map(exited))).toEqual(Array(10).fill(0));
  const lines = (await readFile(join(dir, 'out'), 'utf8')).trim().split('\n');
  expect(lines).toHaveLength(20);
  for (let i = 0; i < 20; i += 2) {
    const pid = lines[i]!.split(' ')[1];
    expect([lines[i], lines[i + 1]]).toEqual([`begin ${pid}`, `end ${pid}`]);
  }
  expect(existsSync(join(dir, 'lock'))).toBe(false);
});

test('a lock left by a process killed with -9 is broken by the next action', async () => {
  const holder = run('forever');
  await waitFor(async () => (await readFile(join(dir, 'out'), 'utf8').catch(() => '')).includes('begin'));
  holder.kill('SIGKILL');
  await exited(holder);
  expect(existsSync(join(dir, 'lock'))).toBe(true);
  const release = await acquireLock(dir, { action: 'start', waitSeconds: 5, svcname: 't' });
  await release();
  expect(existsSync(join(dir, 'lock'))).toBe(false);
});

test('a live holder makes a waiter time out with a named error naming it', async () => {
  const release = await acquireLock(dir, { action: 'stop', waitSeconds: 1, svcname: 'web1' });
  try {
    await acquireLock(dir, { action: 'start', waitSeconds: 0.2, svcname: 'web1' });
    throw new Error('acquired');
  } catch (e) {
    if (!isCapsuleError(e)) throw e;
    expect(e.code).toBe('LockTimeout');
    expect(e.message).toMatch(new RegExp(`web1: start waits for pid ${process.pid} running stop`));
    expect(e.hint).toMatch(/--waitlock/);
  } finally {
    await release();
  }
});

test('a recycled pid (same pid, other start time) is not the holder', async () => {
  await writeFile(join(dir, 'lock'), JSON.stringify({ pid: process.pid, start: 'not-my-start-time', action: 'start', since: 'x' }));
  const release = await acquireLock(dir, { action: 'start', waitSeconds: 1, svcname: 't' });
  await release();
});
