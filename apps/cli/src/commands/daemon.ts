// nodemgr daemon run|start|stop|status: the agent daemon of this node, the
// capsule-agent program of @capsule/agent (its own bundle and drivers).
import { clusterConfig } from '@capsule/cluster';
import { nodeConfPath, readNodeConfig } from '@capsule/config';
import { CapsuleError, ErrorCode } from '@capsule/core';
import { agentHolder } from '@capsule/runtime/agent-lock';
import { ask, daemonAnswers, daemonPaths } from '@capsule/runtime/daemon';
import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { renderJson, renderTable } from '../output.js';
import { appRoot } from '../app.js';
import type { CommandContext } from '../spec.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The agent program and its arguments: actions run with this CLI's svcmgr (by the app's path: argv[1] may be a symlink). */
function agentCommand(...extra: string[]): string[] {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('@capsule/agent/package.json');
  } catch {
    throw new CapsuleError(ErrorCode.DaemonNotRunning, 'the capsule agent (@capsule/agent) is not installed beside nodemgr', { hint: 'install the agent package of this capsule version' });
  }
  return [process.execPath, join(dirname(pkg), 'dist/bin/capsule-agent.js'), '--svcmgr', join(appRoot, 'dist/bin/svcmgr.js'), ...extra];
}

const PASSED_ON: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'];

/**
 * Foreground, for systemd and tests: the agent's output on ours, our
 * signals passed on, its exit code ours. Its stdin is a pipe from us: if we
 * die of anything (SIGKILL included), the pipe closes and the agent stops.
 */
async function runDaemon(): Promise<number> {
  const [cmd, ...args] = agentCommand('--stop-with-stdin');
  const child = spawn(cmd!, args, { stdio: ['pipe', 'inherit', 'inherit'], env: process.env });
  const handlers = PASSED_ON.map((sig) => [sig, () => void child.kill(sig)] as const);
  for (const [sig, h] of handlers) process.on(sig, h);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
  }
}

async function start(ctx: CommandContext): Promise<number> {
  const p = daemonPaths(ctx.root);
  const running = await agentHolder(ctx.root);
  if (running || (await daemonAnswers(p.socket))) return alreadyRunning(ctx, running?.holder.pid);
  // Checked here too, so that a broken node.conf is an error on the terminal, not only in the log.
  await clusterConfig(await readNodeConfig(ctx.root), ctx.nodename, nodeConfPath(ctx.root));
  // The agent writes its log itself, rotated (4 MiB, 3 kept); what it prints (a crash) goes beside it.
  const [cmd, ...args] = agentCommand('--log-file', p.log);
  await mkdir(dirname(p.log), { recursive: true });
  const out = await open(join(dirname(p.log), 'agent.out'), 'a', 0o600);
  const child = spawn(cmd!, args, { detached: true, stdio: ['ignore', out.fd, out.fd], env: process.env });
  child.unref();
  await out.close();
  for (let i = 0; i < 100; i++) {
    // Two starts at once both get here; the agents settle it with the node's agent lock.
    const holder = (await agentHolder(ctx.root))?.holder;
    if (child.exitCode !== null || child.signalCode !== null) {
      // Ours lost the lock to an agent started meanwhile, and is gone: that one runs.
      if (holder && holder.pid !== child.pid) return alreadyRunning(ctx, holder.pid);
      break;
    }
    // Answering is not enough: another agent may answer while ours is still failing to take the lock.
    if (holder?.pid === child.pid && (await daemonAnswers(p.socket))) {
      ctx.out(`agent daemon started (pid ${child.pid}), log in ${p.log}\n`);
      return 0;
    }
    await sleep(100);
  }
  throw new CapsuleError(ErrorCode.DaemonNotRunning, `the agent daemon did not come up`, { hint: `see ${p.log} and ${join(dirname(p.log), 'agent.out')}` });
}

function alreadyRunning(ctx: CommandContext, pid: number | undefined): number {
  ctx.out(`the agent daemon is already running${pid ? ` (pid ${pid})` : ''}\n`);
  return 0;
}

/**
 * Asks the agent to stop and waits until it has released the node's lock,
 * so that a `daemon start` right after finds no agent still on its way out.
 * An agent that holds the lock but does not answer yet (still in its first
 * status round) is sent SIGTERM, which it handles the same way.
 */
async function stop(ctx: CommandContext): Promise<number> {
  const p = daemonPaths(ctx.root);
  const running = await agentHolder(ctx.root);
  const answers = await daemonAnswers(p.socket);
  if (!running && !answers) {
    ctx.out('the agent daemon is not running\n');
    return 0;
  }
  if (answers) await ask(p.socket, { cmd: 'stop' });
  // Only a holder proven to be the process that took the lock: a recycled pid is someone else.
  else if (running?.liveness === 'alive') {
    try {
      process.kill(running.holder.pid, 'SIGTERM');
    } catch {
      // gone meanwhile: nothing left to stop
    }
  }
  for (let i = 0; i < 100; i++) {
    if (!(await agentHolder(ctx.root)) && !(await daemonAnswers(p.socket))) {
      ctx.out('agent daemon stopped\n');
      return 0;
    }
    await sleep(100);
  }
  const pid = running?.holder.pid;
  throw new CapsuleError(ErrorCode.DaemonAlreadyRunning, `the agent daemon${pid ? ` (pid ${pid})` : ''} did not stop within 10 s`, { hint: `see ${p.log}${pid ? `; \`kill ${pid}\` ends it` : ''}` });
}

interface DaemonStatus {
  node: string;
  cluster: string;
  quorum: { quorum: boolean; reason: string };
  peers: Record<string, { alive: boolean; lastHeardMs: number | null; clockOffsetMs?: number; reason?: string }>;
  /** Heartbeats' counters; the etcd backend has only `sent` (its publish rounds). */
  counters: { sent: number; sendErrors?: number; received?: number; accepted?: number; rejected?: Record<string, number> };
  backend?: 'etcd';
  endpoints?: string[];
  endpointHealth?: Record<string, string>;
  leaseTtlS?: number;
  leaseRemainingMs?: number;
  revision?: number;
  /** The agent's fences (stonith): absent from an agent older than them. */
  fencing?: { fenced: Record<string, { agoMs: number }>; running: string[]; failing: Record<string, { failures: number; retryInMs: number; error: string }> };
}

/** One line per fenced node, fence under way and fence failing; none when there is none. */
export function fencingLines(f: DaemonStatus['fencing']): string[] {
  if (!f) return [];
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    ...Object.entries(f.fenced).map(([n, x]) => `fenced: ${n} ${secs(x.agoMs)} ago, not heard of since`),
    ...f.running.map((n) => `fencing: ${n}, its fence command is running`),
    ...Object.entries(f.failing).map(([n, x]) => `FENCE FAILING: ${n}, ${x.failures} time(s) in a row (${x.error}), retry in ${secs(x.retryInMs)}: no takeover from ${n} until it succeeds`),
  ];
}

/** What carries the cluster: heartbeat counters, or etcd's lease, revision and each endpoint's health. */
export function backendLines(s: Pick<DaemonStatus, 'backend' | 'counters' | 'endpoints' | 'endpointHealth' | 'leaseTtlS' | 'leaseRemainingMs' | 'revision'>): string[] {
  const c = s.counters;
  if (s.backend !== 'etcd') {
    return [`heartbeats: sent ${c.sent} (${c.sendErrors ?? 0} send errors), received ${c.received ?? 0}, accepted ${c.accepted ?? 0}, rejected ${Object.entries(c.rejected ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')}`];
  }
  const remaining = s.leaseRemainingMs ? `${(s.leaseRemainingMs / 1000).toFixed(1)} s of ${s.leaseTtlS} s left` : 'none';
  return [
    `etcd: lease ${remaining}, revision ${s.revision ?? 0} seen`,
    ...(s.endpoints ?? []).map((e) => `  ${e}: ${s.endpointHealth?.[e] ?? 'not asked yet'}`),
  ];
}

async function status(ctx: CommandContext): Promise<number> {
  const s = await ask<DaemonStatus>(daemonPaths(ctx.root).socket, { cmd: 'status' });
  if (ctx.format === 'json') {
    ctx.out(renderJson(s));
    return 0;
  }
  const lines = [
    `node ${s.node} of cluster ${s.cluster}: ${s.quorum.quorum ? 'quorum' : 'NO QUORUM'} (${s.quorum.reason})`,
    ...backendLines(s),
    ...fencingLines(s.fencing),
    '',
  ];
  const offset = (ms: number | undefined) => (ms === undefined ? '-' : `${ms >= 0 ? '+' : ''}${(ms / 1000).toFixed(1)}s`);
  ctx.out(
    lines.join('\n') +
      renderTable(
        ['PEER', 'STATE', 'LAST HEARD', 'CLOCK', 'WHY'],
        Object.entries(s.peers).map(([n, p]) => [n, p.alive ? 'up' : 'lost', p.lastHeardMs === null ? 'never' : `${(p.lastHeardMs / 1000).toFixed(1)}s ago`, offset(p.clockOffsetMs), p.reason ?? '']),
      ),
  );
  return 0;
}

export async function run(ctx: CommandContext): Promise<number> {
  const sub = ctx.positionals[0];
  switch (sub) {
    case 'run':
      return runDaemon();
    case 'start':
      return start(ctx);
    case 'stop':
      return stop(ctx);
    case 'status':
      return status(ctx);
    default:
      throw new CapsuleError(ErrorCode.UsageError, `nodemgr daemon ${sub ?? ''}: expected run, start, stop or status`, { hint: 'nodemgr daemon start' });
  }
}
