// The action lock with real processes.
import { isCapsuleError } from '@capsule/core';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireLock, holderLiveness, lockHolder, psStartTime, type ProcessProbe } from '../src/lock.js';

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

test('a holder whose liveness cannot be read keeps its lock: the waiter times out, nothing is broken', async () => {
  const blind: ProcessProbe = async () => undefined;
  const holder = { pid: 999999, start: '12345', action: 'start', since: 'then' };
  await writeFile(join(dir, 'lock'), JSON.stringify(holder));
  await expect(acquireLock(dir, { action: 'stop', waitSeconds: 0.3, svcname: 'web1', probe: blind })).rejects.toMatchObject({ code: 'LockTimeout' });
  expect(JSON.parse(await readFile(join(dir, 'lock'), 'utf8'))).toEqual(holder);
});

// Its parent gone and nobody reaping it (no init that reaps, as in some containers), a killed holder stays a zombie.
(process.platform === 'linux' ? test : test.skip)('a zombie holder is dead: its lock is broken', async () => {
  // The child exits at once; its parent execs into `sleep 30`, which never reaps it. perl, not sh: a
  // shell may reap a finished background job before its exec (seen on a loaded machine), perl never waits.
  const parent = spawn('perl', ['-e', '$| = 1; my $p = fork(); exit 0 if $p == 0; print "$p\\n"; exec "sleep", "30";'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(parent);
  const pid = Number(await new Promise<string>((r) => parent.stdout!.once('data', (d: Buffer) => r(d.toString()))));
  const stat = () => readFileSync(`/proc/${pid}/stat`, 'utf8');
  await waitFor(async () => stat().slice(stat().lastIndexOf(')') + 2).startsWith('Z'));
  const start = stat().slice(stat().lastIndexOf(')') + 2).split(' ')[19]!;
  const holder = { pid, start, action: 'start', since: 'then' };
  expect(await holderLiveness(holder)).toBe('dead');
  await writeFile(join(dir, 'lock'), JSON.stringify(holder));
  const release = await acquireLock(dir, { action: 'stop', waitSeconds: 1, svcname: 't' });
  await release();
});

test('lockHolder names a live holder, and nothing for a dead one or no lock', async () => {
  const file = join(dir, 'lock');
  expect(await lockHolder(file)).toBeUndefined();
  const release = await acquireLock(dir, { action: 'agent', waitSeconds: 1, svcname: 't' });
  expect(await lockHolder(file)).toEqual({ holder: expect.objectContaining({ pid: process.pid, action: 'agent' }), liveness: 'alive' });
  await release();
  await writeFile(file, JSON.stringify({ pid: process.pid, start: 'not-my-start-time', action: 'agent', since: 'x' }));
  expect(await lockHolder(file)).toBeUndefined();
});

test('the ps fallback (platforms without /proc) reads a live process and proves a dead one', async () => {
  const me = await psStartTime(process.pid);
  expect(typeof me).toBe('string');
  const gone = spawn('true');
  await exited(gone);
  expect(await psStartTime(gone.pid!)).toBeNull();
  const h = { pid: process.pid, start: me!, action: 'start', since: 'now' };
  expect(await holderLiveness(h, psStartTime)).toBe('alive');
  expect(await holderLiveness({ ...h, pid: gone.pid! }, psStartTime)).toBe('dead');
});

test('without ps, a live pid is "unknown" (kept), never "dead"', async () => {
  const noPs = (pid: number) => psStartTime(pid, '/nonexistent/ps');
  expect(await noPs(process.pid)).toBeUndefined();
  expect(await holderLiveness({ pid: process.pid, start: 'x', action: 'a', since: 's' }, noPs)).toBe('unknown');
});

test.each([
  ['empty', async (f: string) => writeFile(f, ''), /holds no holder record/],
  ['garbage', async (f: string) => writeFile(f, 'garbage'), /holds no holder record/],
  ['null', async (f: string) => writeFile(f, 'null'), /holds no holder record/],
  ['a dangling symlink', async (f: string) => symlink('/nonexistent/capsule-lock-target', f), /is a symbolic link/],
])('a lock file that is %s is broken once old, with a log line naming it', async (_w, make, why) => {
  const file = join(dir, 'lock');
  await make(file);
  if (!_w.includes('symlink')) await utimes(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  const broken: string[] = [];
  const release = await acquireLock(dir, { action: 'start', waitSeconds: 2, svcname: 't', onBreak: (m) => broken.push(m) });
  await release();
  expect(broken).toHaveLength(1);
  expect(broken[0]).toContain(file);
  expect(broken[0]).toMatch(why);
});

test('a fresh lock file still being written is not broken, and the timeout names the file', async () => {
  await writeFile(join(dir, 'lock'), '');
  await expect(acquireLock(dir, { action: 'start', waitSeconds: 0.2, svcname: 'web1' })).rejects.toThrow(join(dir, 'lock'));
});
