// The built capsule-agent as a process on this machine: a one-node cluster
// heartbeating on loopback, its socket, one agent per node, clean stops.
import { ask, daemonPaths } from '@capsule/runtime/daemon';
import { until } from '@capsule/testenv';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const agentJs = fileURLToPath(new URL('../dist/bin/capsule-agent.js', import.meta.url));
let root: string;
let env: NodeJS.ProcessEnv;
const children: ChildProcess[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-agent-'));
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
  // A port of its own per test file run: two CI runs on one machine do not hear each other.
  const port = 20000 + (process.pid % 20000);
  await writeFile(join(root, 'etc/capsule/node.conf'), `[cluster]\nname = solo\nnodes = n1\nsecret = ${'s'.repeat(32)}\n\n[hb#1]\ntype = unicast\nport = ${port}\naddr@n1 = 127.0.0.1\n`, { mode: 0o600 });
  env = { PATH: process.env['PATH'], CAPSULE_ROOT: root, CAPSULE_NODENAME: 'n1' };
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

function startAgent(args: string[] = []): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [agentJs, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function answering(): Promise<{ node: string; cluster: string; quorum: { quorum: boolean } }> {
  for (let i = 0; ; i++) {
    try {
      return await ask(daemonPaths(root).socket, { cmd: 'status' }, 1000);
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

test('answers on its socket (root only), holds the agent lock, writes its pid, and stops on SIGTERM leaving none of them behind', async () => {
  const a = startAgent();
  const s = await answering();
  expect(s).toMatchObject({ node: 'n1', cluster: 'solo', quorum: { quorum: true } });
  const p = daemonPaths(root);
  expect(JSON.parse(await readFile(p.lock, 'utf8'))).toMatchObject({ pid: a.child.pid, action: 'agent' });
  expect(spawnSync('stat', ['-c', '%a', p.socket], { encoding: 'utf8' }).stdout.trim()).toBe('600');
  a.child.kill('SIGTERM');
  expect(await a.exited).toBe(0);
  expect([existsSync(p.socket), existsSync(p.pid), existsSync(p.lock)]).toEqual([false, false, false]);
  expect(a.output()).toMatch(/agent of n1 in cluster solo[\s\S]*agent stopped/);
});

test('a SIGTERM during the first status round stops the agent before it listens', async () => {
  // A status check of 3 s: the agent is still reading its services when the signal comes.
  await writeFile(join(root, 'etc/capsule/slow.conf'), `[DEFAULT]\nnodes = n1\n\n[app#0]\nscript = ${join(root, 'slow')}\n`);
  await writeFile(join(root, 'slow'), '#!/bin/sh\n[ "$1" = status ] && sleep 3\nexit 0\n', { mode: 0o755 });
  const a = startAgent();
  await new Promise((r) => setTimeout(r, 1000));
  a.child.kill('SIGTERM');
  expect(await a.exited).toBe(0);
  expect(a.output()).not.toMatch(/agent of n1 in cluster/);
  const p = daemonPaths(root);
  expect([existsSync(p.socket), existsSync(p.pid), existsSync(p.lock)]).toEqual([false, false, false]);
});

test('a second agent on the same node refuses to start and leaves the first one running', async () => {
  const first = startAgent();
  await answering();
  const second = startAgent();
  expect(await second.exited).toBe(1);
  expect(second.output()).toMatch(new RegExp(`error: an agent daemon already runs on this node \\(pid ${first.child.pid}, since [^;]+; lock .*agent\\.lock\\)`));
  expect((await answering()).node).toBe('n1');
  await ask(daemonPaths(root).socket, { cmd: 'stop' });
  expect(await first.exited).toBe(0);
});

test('a second agent started while the first still reads its services (its socket silent yet) fails at once naming it', async () => {
  // The first status round takes 3 s: long enough for a socket check to find nobody, as two `daemon start`s at once did.
  await writeFile(join(root, 'etc/capsule/slow.conf'), `[DEFAULT]\nnodes = n1\n\n[app#0]\nscript = ${join(root, 'slow')}\n`);
  await writeFile(join(root, 'slow'), '#!/bin/sh\n[ "$1" = status ] && sleep 3\nexit 0\n', { mode: 0o755 });
  const first = startAgent();
  const lock = daemonPaths(root).lock;
  await until('the first agent holds the lock', async () => (await readFile(lock, 'utf8').catch(() => '')).includes(`"pid":${first.child.pid}`));
  const second = startAgent();
  expect(await second.exited).toBe(1);
  expect(second.output()).toMatch(new RegExp(`error: an agent daemon already runs on this node \\(pid ${first.child.pid}, `));
  expect((await answering()).node).toBe('n1');
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  expect(existsSync(lock)).toBe(false);
});

test('a migrating marker left by a svcmgr that is gone is not published as moving, and is removed', async () => {
  await writeFile(join(root, 'etc/capsule/web.conf'), '[DEFAULT]\nnodes = n1\n');
  const gone = spawn('true');
  await new Promise((r) => gone.once('exit', r));
  const varDir = join(root, 'var/lib/capsule/web');
  await mkdir(varDir, { recursive: true });
  await writeFile(join(varDir, 'migrating'), JSON.stringify({ to: 'n2', since: '2026-01-01T00:00:00.000Z', action: 'switch', pid: gone.pid, start: '1' }));
  const a = startAgent();
  await answering();
  await until('the agent removes the marker', () => !existsSync(join(varDir, 'migrating')));
  const s = await ask<{ views: Record<string, { services: Record<string, { moving?: string }> }> }>(daemonPaths(root).socket, { cmd: 'status' });
  expect(s.views['n1']!.services['web']).toBeDefined();
  expect(s.views['n1']!.services['web']!.moving).toBeUndefined();
  expect(a.output()).toContain(`web: removed the migrating marker of pid ${gone.pid} (switch to n2 since 2026-01-01T00:00:00.000Z): that process is gone`);
  a.child.kill('SIGTERM');
  expect(await a.exited).toBe(0);
});

test('a broken node.conf is one error naming the file, and no agent', async () => {
  await writeFile(join(root, 'etc/capsule/node.conf'), '[cluster]\nname = solo\n');
  const a = startAgent();
  expect(await a.exited).toBe(1);
  expect(a.output()).toMatch(/node\.conf/);
  expect(existsSync(daemonPaths(root).socket)).toBe(false);
});

test('unexpected arguments: usage error, nothing started', async () => {
  const a = startAgent(['--daemonize']);
  expect(await a.exited).toBe(1);
  expect(a.output()).toMatch(/error: capsule-agent --daemonize: unexpected arguments[\s\S]*usage: capsule-agent/);
});

test('an idle service: replication.json is written when it changes, not at every decision round', async () => {
  await writeFile(join(root, 'etc/capsule/idle.conf'), '[DEFAULT]\nnodes = n1\norchestrate = no\n');
  startAgent();
  await answering();
  const file = join(root, 'var/lib/capsule/idle/replication.json');
  const first = await until('replication.json written', async () => existsSync(file) && (JSON.parse(await readFile(file, 'utf8')) as { updated: number }).updated);
  // Three heartbeat intervals of the agent's own: about thirty decision rounds, each of which used to rewrite the file.
  const sent = async () => (await ask<{ counters: { sent: number } }>(daemonPaths(root).socket, { cmd: 'status' }, 1000)).counters.sent;
  const from = await sent();
  await until('three more heartbeats', async () => (await sent()) >= from + 3);
  expect((JSON.parse(await readFile(file, 'utf8')) as { updated: number }).updated).toBe(first);
});
