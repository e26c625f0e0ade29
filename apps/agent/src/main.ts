// capsule-agent: the agent daemon of this node, in the foreground (logs to
// stdout). `nodemgr daemon run` runs it as is, for systemd; `nodemgr daemon
// start` runs it detached with its output in var/log/capsule/agent.log.
// Stops on SIGTERM, SIGINT or `nodemgr daemon stop`. One per node: it holds
// var/run/capsule/agent.lock for its whole life.
import { clusterConfig, listenerConfig } from '@capsule/cluster';
import { nodeConfPath, readNodeConfig } from '@capsule/config';
import { CapsuleError, ErrorCode, formatError, isCapsuleError, requireNode } from '@capsule/core';
import { holdAgentLock } from '@capsule/runtime/agent-lock';
import { daemonAnswers, daemonPaths } from '@capsule/runtime/daemon';
import { relinkDrivers } from '@capsule/runtime/discovery';
import { capsuleRoot, findAppRoot, nodename, type NodeContext } from '@capsule/runtime/node';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from './agent.js';
import { runWatchdog } from './watchdog.js';
import { LogWriter } from '@capsule/service/logfile';

const USAGE =
  'usage: capsule-agent [--svcmgr PATH] [--stop-with-stdin] [--log-file FILE] [--watchdog --stop-timeout MS]  (FILE: the log, rotated at 4 MiB, 3 kept; PATH: the svcmgr actions run with, default svcmgr from PATH; --stop-with-stdin: stop when standard input closes, as when `nodemgr daemon run` ends; --watchdog: the watchdog process the agent starts itself)';

export interface AgentArgs {
  /** `--svcmgr FILE.js` runs actions with this node binary; without it, `svcmgr` is looked up in PATH. */
  svcmgr: string[];
  stopWithStdin: boolean;
  /** Run as the node's watchdog (watchdog.ts), with this bound on each stop. */
  watchdog?: { stopTimeoutMs: number };
  /** Log to this file, rotated as the service log is (4 MiB, 3 kept), instead of stdout. */
  logFile?: string;
}

export function parseAgentArgs(argv: readonly string[], execPath = process.execPath): AgentArgs {
  const out: AgentArgs = { svcmgr: ['svcmgr'], stopWithStdin: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const path = argv[i + 1];
    if (a === '--svcmgr' && path && !path.startsWith('--')) {
      out.svcmgr = /\.[cm]?js$/.test(path) ? [execPath, path] : [path];
      i++;
    } else if (a === '--stop-with-stdin') out.stopWithStdin = true;
    else if (a === '--watchdog') out.watchdog ??= { stopTimeoutMs: 30_000 };
    else if (a === '--log-file' && path && !path.startsWith('--')) {
      out.logFile = path;
      i++;
    }
    else if (a === '--stop-timeout' && /^\d+$/.test(path ?? '')) {
      out.watchdog = { stopTimeoutMs: Number(path) };
      i++;
    }
    else throw new CapsuleError(ErrorCode.UsageError, `capsule-agent ${argv.join(' ')}: unexpected arguments`, { hint: USAGE });
  }
  return out;
}

export async function runAgent(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  requireNode(process.versions.node, 'capsule-agent');
  const args = parseAgentArgs(argv);
  const ctx: NodeContext = { root: capsuleRoot(env), nodename: nodename(env), appRoot: findAppRoot(dirname(fileURLToPath(import.meta.url))), env };
  const file = args.logFile ? new LogWriter(args.logFile, { mode: 0o600 }) : undefined;
  const log = (line: string) => (file ? file.append(`${new Date().toISOString()} ${line}\n`) : process.stdout.write(`${new Date().toISOString()} ${line}\n`));
  try {
    await runAs(ctx, args, log);
  } finally {
    const e = await file?.flush();
    if (e) process.stderr.write(`capsule-agent: cannot write ${args.logFile}: ${e.message}\n`);
  }
}

async function runAs(ctx: NodeContext, args: AgentArgs, log: (line: string) => void): Promise<void> {
  const p = daemonPaths(ctx.root);
  if (args.watchdog) {
    // The agent's own helper, not an agent: it outlives the agent on purpose and takes no agent lock.
    await runWatchdog({ socket: join(p.runDir, 'watchdog.sock'), svcmgr: args.svcmgr, env: { CAPSULE_ROOT: ctx.root, CAPSULE_NODENAME: ctx.nodename }, stopTimeoutMs: args.watchdog.stopTimeoutMs, log });
    return;
  }
  // Before anything else, held until the end: a second agent of this node fails here, naming this one.
  const release = await holdAgentLock(ctx.root, { onBreak: (why) => log(`${why}: taking over`) });
  try {
    // An agent of a capsule from before the lock may still answer during an upgrade.
    if (await daemonAnswers(p.socket)) throw new CapsuleError(ErrorCode.DaemonAlreadyRunning, `an agent daemon already answers on ${p.socket}`, { hint: 'nodemgr daemon stop first' });
    await serveUntilStopped(ctx, args, log);
  } finally {
    // Last: once released, the next agent may write the pid file and the socket this one removes.
    await release();
  }
}

/**
 * Before the first status round (whose svcmgr runs import the drivers): the
 * @capsule/* links of added drivers re-pointed at this capsule, which an
 * upgrade moved. Logged; never fatal: the drivers are DriverBroken, not the agent.
 */
export async function relinkAtStart(ctx: NodeContext, log: (line: string) => void): Promise<void> {
  try {
    const r = await relinkDrivers(ctx);
    for (const l of r.relinked) log(`driver directory: relinked ${l.name}: ${l.from} -> ${l.to}`);
    for (const u of r.unresolved) log(`driver directory: ${u.name} points at ${u.target}, and this capsule has no ${u.name}: the drivers needing it are DriverBroken`);
  } catch (e) {
    log(`driver directory: relinking the @capsule/* links failed (${formatError(e)}); added drivers may be DriverBroken until \`nodemgr driver relink\``);
  }
}

async function serveUntilStopped(ctx: NodeContext, args: AgentArgs, log: (line: string) => void): Promise<void> {
  const p = daemonPaths(ctx.root);
  await relinkAtStart(ctx, log);
  const loadCluster = async () => clusterConfig(await readNodeConfig(ctx.root), ctx.nodename, nodeConfPath(ctx.root));
  const cluster = await loadCluster();
  const listener = listenerConfig(await readNodeConfig(ctx.root));
  const version = await readFile(join(ctx.appRoot, 'package.json'), 'utf8').then((t) => (JSON.parse(t) as { version?: string }).version ?? '0', () => '0');
  // The watchdog is this program in another mode, started detached so that it outlives the agent.
  const self = [process.execPath, ...process.execArgv, process.argv[1]!, '--svcmgr', args.svcmgr[args.svcmgr.length - 1]!];
  const agent = new Agent({ ctx, cluster, loadCluster, listener, version, svcmgr: args.svcmgr, log, echo: (line) => process.stderr.write(line), watchdogCommand: (stopTimeoutMs) => [...self, '--watchdog', '--stop-timeout', String(stopTimeoutMs)] });
  await writeFile(p.pid, `${process.pid}\n`);
  const stop = () => void agent.stop();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Under `nodemgr daemon run`: if nodemgr dies, however it dies, its end of the pipe closes.
  if (args.stopWithStdin) process.stdin.on('end', stop).on('error', stop).resume();
  try {
    await agent.run();
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    if (args.stopWithStdin) process.stdin.off('end', stop).off('error', stop).pause();
    await rm(p.pid, { force: true });
    await rm(p.socket, { force: true });
    log('agent stopped');
  }
}

export async function main(): Promise<void> {
  try {
    await runAgent(process.argv.slice(2));
    process.exit(0);
  } catch (e) {
    process.stderr.write(`error: ${formatError(e)}\n`);
    if (!isCapsuleError(e) && process.env['CAPSULE_DEBUG']) process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  }
}
