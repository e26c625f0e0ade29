import { isCapsuleError } from '@capsule/core';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localExec } from './local.js';

test('stdout, stderr and the exit code come back', async () => {
  expect(await localExec(['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
});

test('stdin and environment are passed', async () => {
  expect((await localExec(['sh', '-c', 'cat; echo "$GREETING"'], { input: 'in\n', env: { GREETING: 'hi' } })).stdout).toBe('in\nhi\n');
});

test('a missing command is exit 127', async () => {
  expect(await localExec(['capsule-no-such-command'])).toMatchObject({ code: 127, stderr: expect.stringContaining('command not found') });
});

test('a command over its timeout is killed with its children and is a named error', async () => {
  try {
    await localExec(['sh', '-c', 'sleep 30 & sleep 30'], { timeoutMs: 300 });
    throw new Error('finished');
  } catch (e) {
    expect(isCapsuleError(e) && e.code).toBe('ExecTimeout');
  }
});

// A killed process whose parent died too may linger as a zombie until init reaps it: that is not alive.
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

/** Whether `pid` is gone by 10 s from now: a killed process is reaped a little after its killer returns, later on a loaded machine. */
async function gone(pid: number): Promise<boolean> {
  for (const deadline = Date.now() + 10_000; alive(pid); await new Promise((r) => setTimeout(r, 20))) if (Date.now() > deadline) return false;
  return true;
}

/** Runs `script`, which prints the pid of a process it leaves running, and returns that pid once printed. */
async function pidFrom(file: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.trim()) return Number(text.trim());
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no pid in ${file}`);
}

test.each([
  ['abort', (o: { signal: AbortSignal }) => o, 'ExecAborted'],
  ['timeout', () => ({ timeoutMs: 300 }), 'ExecTimeout'],
])('%s kills the command and every process of its group: none lives on', async (_w, opts, code) => {
  const dir = await mkdtemp(join(tmpdir(), 'capsule-exec-'));
  try {
    const ac = new AbortController();
    const p = localExec(['sh', '-c', `sleep 30 & echo $! > ${dir}/pid; wait`], opts({ signal: ac.signal }));
    const child = await pidFrom(join(dir, 'pid'));
    setTimeout(() => ac.abort(), 100);
    await expect(p).rejects.toMatchObject({ code });
    expect(await gone(child)).toBe(true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a timeout returns at the timeout even when a setsid grandchild holds stdout', async () => {
  const t0 = Date.now();
  await expect(localExec(['sh', '-c', 'setsid sleep 5 & sleep 30'], { timeoutMs: 300 })).rejects.toMatchObject({ code: 'ExecTimeout' });
  // Bounded by the timeout, not by the 5 s the escaped grandchild holds the pipe.
  expect(Date.now() - t0).toBeLessThan(3000);
});

test('a command that daemonizes and exits 0 returns its exit, and its daemon keeps running', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capsule-exec-'));
  try {
    const t0 = Date.now();
    const r = await localExec(['sh', '-c', `echo starting; sleep 30 & echo $! > ${dir}/pid; exit 0`], { timeoutMs: 10_000 });
    expect([r.code, r.stdout, Date.now() - t0 < 5000]).toEqual([0, 'starting\n', true]);
    const daemon = await pidFrom(join(dir, 'pid'));
    expect(alive(daemon)).toBe(true);
    process.kill(daemon, 'SIGKILL');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('output past the cap kills the command and is a named error', async () => {
  await expect(localExec(['sh', '-c', 'yes capsule'], { maxOutputBytes: 64 * 1024, timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'OutputTooLarge' });
});

test('output below the cap is whole', async () => {
  const r = await localExec(['sh', '-c', 'head -c 200000 /dev/zero | tr "\\0" a'], { maxOutputBytes: 256 * 1024 });
  expect(r.stdout.length).toBe(200000);
});

test('an already aborted signal runs nothing', async () => {
  const ac = new AbortController();
  ac.abort();
  await expect(localExec(['true'], { signal: ac.signal })).rejects.toMatchObject({ code: 'ExecAborted' });
});
