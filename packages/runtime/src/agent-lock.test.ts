import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentHolder, holdAgentLock } from './agent-lock.js';
import { daemonPaths } from './daemon.js';

let root: string;
beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'capsule-agent-lock-'))));
afterEach(() => rm(root, { recursive: true, force: true }));

test('held: a second taker fails at once with DaemonAlreadyRunning naming the holder; released: free again', async () => {
  const release = await holdAgentLock(root);
  expect(await agentHolder(root)).toEqual({ holder: expect.objectContaining({ pid: process.pid, action: 'agent' }), liveness: 'alive' });
  const t0 = Date.now();
  await expect(holdAgentLock(root)).rejects.toMatchObject({
    code: 'DaemonAlreadyRunning',
    message: expect.stringMatching(new RegExp(`^an agent daemon already runs on this node \\(pid ${process.pid}, since .+; lock .*agent\\.lock\\)$`)),
    details: { pid: process.pid },
  });
  expect(Date.now() - t0).toBeLessThan(1000);
  await release();
  expect(existsSync(daemonPaths(root).lock)).toBe(false);
  expect(await agentHolder(root)).toBeUndefined();
});

test('the lock of a dead agent is taken over, and the take-over is told', async () => {
  const dead = spawn('true');
  await new Promise((r) => dead.once('exit', r));
  await mkdir(daemonPaths(root).runDir, { recursive: true });
  await writeFile(daemonPaths(root).lock, JSON.stringify({ pid: dead.pid, start: '1', action: 'agent', since: 'then' }));
  expect(await agentHolder(root)).toBeUndefined();
  const told: string[] = [];
  const release = await holdAgentLock(root, { onBreak: (why) => told.push(why) });
  expect(told).toEqual([expect.stringContaining(`its holder, pid ${dead.pid} (agent), is dead`)]);
  await release();
});
