import { isCapsuleError } from '@capsule/core';
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

test('abort kills the command', async () => {
  const ac = new AbortController();
  const p = localExec(['sleep', '30'], { signal: ac.signal });
  setTimeout(() => ac.abort(), 100);
  expect((await p).code).toBe(137);
});
