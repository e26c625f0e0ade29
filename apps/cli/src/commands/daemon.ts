// nodemgr daemon run|start|stop|status: the agent daemon of this node.
import { clusterConfig } from '@capsule/cluster';
import { nodeConfPath, readNodeConfig } from '@capsule/config';
import { CapsuleError, ErrorCode } from '@capsule/core';
import { spawn } from 'node:child_process';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Agent } from '../daemon/agent.js';
import { daemonPaths } from '../daemon/paths.js';
import { ask } from '../daemon/socket.js';
import { renderJson, renderTable } from '../output.js';
import type { CommandContext } from '../spec.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function answers(socket: string): Promise<boolean> {
  return ask(socket, { cmd: 'status' }, 1000).then(
    () => true,
    () => false,
  );
}

/** Foreground, for systemd and tests: logs to stdout, stops on SIGTERM or `nodemgr daemon stop`. */
export async function runDaemon(ctx: CommandContext): Promise<number> {
  const p = daemonPaths(ctx.root);
  if (await answers(p.socket)) throw new CapsuleError(ErrorCode.DaemonAlreadyRunning, `an agent daemon already answers on ${p.socket}`, { hint: 'nodemgr daemon stop first' });
  const loadCluster = async () => clusterConfig(await readNodeConfig(ctx.root), ctx.nodename, nodeConfPath(ctx.root));
  const cluster = await loadCluster();
  const log = (line: string) => ctx.out(`${new Date().toISOString()} ${line}\n`);
  const agent = new Agent({ ctx, cluster, loadCluster, svcmgr: join(dirname(process.argv[1]!), 'svcmgr.js'), log });
  await mkdir(p.runDir, { recursive: true, mode: 0o700 });
  await writeFile(p.pid, `${process.pid}\n`);
  const stop = () => void agent.stop();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    await agent.run();
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    await rm(p.pid, { force: true });
    await rm(p.socket, { force: true });
    log('agent stopped');
  }
  return 0;
}

async function start(ctx: CommandContext): Promise<number> {
  const p = daemonPaths(ctx.root);
  if (await answers(p.socket)) {
    ctx.out('the agent daemon is already running\n');
    return 0;
  }
  // Checked here too, so that a broken node.conf is an error on the terminal, not only in the log.
  await clusterConfig(await readNodeConfig(ctx.root), ctx.nodename, nodeConfPath(ctx.root));
  await mkdir(dirname(p.log), { recursive: true });
  const out = await open(p.log, 'a', 0o600);
  const child = spawn(process.execPath, [process.argv[1]!, 'daemon', 'run'], { detached: true, stdio: ['ignore', out.fd, out.fd], env: process.env });
  child.unref();
  await out.close();
  for (let i = 0; i < 100; i++) {
    if (await answers(p.socket)) {
      ctx.out(`agent daemon started (pid ${child.pid}), log in ${p.log}\n`);
      return 0;
    }
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  throw new CapsuleError(ErrorCode.DaemonNotRunning, `the agent daemon did not come up`, { hint: `see ${p.log}` });
}

async function stop(ctx: CommandContext): Promise<number> {
  const p = daemonPaths(ctx.root);
  if (!(await answers(p.socket))) {
    ctx.out('the agent daemon is not running\n');
    return 0;
  }
  await ask(p.socket, { cmd: 'stop' });
  for (let i = 0; i < 100 && (await answers(p.socket)); i++) await sleep(100);
  ctx.out('agent daemon stopped\n');
  return 0;
}

interface DaemonStatus {
  node: string;
  cluster: string;
  quorum: { quorum: boolean; reason: string };
  peers: Record<string, { alive: boolean; lastHeardMs: number | null }>;
  counters: { sent: number; sendErrors: number; received: number; accepted: number; rejected: Record<string, number> };
}

async function status(ctx: CommandContext): Promise<number> {
  const s = await ask<DaemonStatus>(daemonPaths(ctx.root).socket, { cmd: 'status' });
  if (ctx.format === 'json') {
    ctx.out(renderJson(s));
    return 0;
  }
  const c = s.counters;
  const lines = [
    `node ${s.node} of cluster ${s.cluster}: ${s.quorum.quorum ? 'quorum' : 'NO QUORUM'} (${s.quorum.reason})`,
    `heartbeats: sent ${c.sent} (${c.sendErrors} send errors), received ${c.received}, accepted ${c.accepted}, rejected ${Object.entries(c.rejected).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    '',
  ];
  ctx.out(lines.join('\n') + renderTable(['PEER', 'STATE', 'LAST HEARD'], Object.entries(s.peers).map(([n, p]) => [n, p.alive ? 'up' : 'lost', p.lastHeardMs === null ? 'never' : `${(p.lastHeardMs / 1000).toFixed(1)}s ago`])));
  return 0;
}

export async function run(ctx: CommandContext): Promise<number> {
  const sub = ctx.positionals[0];
  switch (sub) {
    case 'run':
      return runDaemon(ctx);
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
