import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ask, daemonPaths, serve } from './daemon.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-sock-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

test('one JSON request, one JSON answer, on a socket only its owner can open', async () => {
  const path = join(dir, 'run/agent.sock');
  const server = await serve(path, async (r) => ({ got: r }));
  try {
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await ask(path, { cmd: 'refresh', service: 'web' })).toEqual({ got: { cmd: 'refresh', service: 'web' } });
  } finally {
    server.close();
  }
});

test('a handler that throws answers an error, and the server keeps serving', async () => {
  const path = join(dir, 'agent.sock');
  let n = 0;
  const server = await serve(path, async () => {
    if (n++ === 0) throw new Error('busy');
    return { ok: true };
  });
  try {
    expect(await ask(path, { cmd: 'status' })).toEqual({ error: 'busy' });
    expect(await ask(path, { cmd: 'status' })).toEqual({ ok: true });
  } finally {
    server.close();
  }
});

test('nobody on the socket: DaemonNotRunning with the command that starts it', async () => {
  await expect(ask(join(dir, 'none.sock'), { cmd: 'status' })).rejects.toMatchObject({ code: 'DaemonNotRunning', hint: 'start it: nodemgr daemon start' });
});

test('garbage back: DaemonNotRunning, never a parsed answer', async () => {
  const path = join(dir, 'garbage.sock');
  const server = createServer((s) => s.end('not json\n'));
  await new Promise<void>((r) => server.listen(path, r));
  try {
    await expect(ask(path, { cmd: 'status' })).rejects.toMatchObject({ code: 'DaemonNotRunning', message: expect.stringContaining('answered garbage') });
  } finally {
    server.close();
  }
});

test('the daemon files live under CAPSULE_ROOT', () => {
  expect(daemonPaths('/r')).toEqual({
    runDir: '/r/var/run/capsule',
    socket: '/r/var/run/capsule/agent.sock',
    pid: '/r/var/run/capsule/agent.pid',
    lock: '/r/var/run/capsule/agent.lock',
    log: '/r/var/log/capsule/agent.log',
    nodeFrozen: '/r/var/lib/capsule/node.frozen',
  });
});
