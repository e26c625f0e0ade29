// print status, json status, status, frozen, logs: served from the status
// cache when it is fresh, which needs neither drivers nor the schema library.
import { describeTarget, parseTarget, TARGET_FILE, type Target } from '@capsule/cluster/orchestrator';
import { configMtime, servicePaths } from '@capsule/config/paths';
import { listKept, type KeptCopy } from '@capsule/config/kept';
import { STATUS_CODE } from '@capsule/core/status';
import { isFresh, readStatusCache } from '@capsule/service/cache';
import type { ServiceStatus } from '@capsule/service';
import { renderStatusTree } from '@capsule/service/tree';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { daemonPaths } from '@capsule/runtime/daemon';
import { join } from 'node:path';
import { renderJson } from '../output.js';
import { heldElsewhere } from './elsewhere.js';
import { daemonView, instancesOf, renderInstances, type DaemonStatusView } from './instances.js';
import type { CommandContext } from '../spec.js';

/** A cached status older than this, or older than the config file, is recomputed. */
const STATUS_TTL_MS = 60_000;
/** Two of the daemon's refresh intervals (5 s): a cache older than this is said with its age, and never gives `status` its exit code. */
const DAEMON_FRESH_MS = 10_000;

export async function currentStatus(ctx: CommandContext, ttlMs = STATUS_TTL_MS): Promise<ServiceStatus> {
  const paths = servicePaths(ctx.root, ctx.options['service'] as string);
  if (!ctx.options['refresh']) {
    const [cached, mtime] = await Promise.all([readStatusCache(paths.varDir), configMtime(paths.config)]);
    // A move is short and its marker may be gone (or its owner dead) since: only a fresh look says it still runs.
    if (cached && !cached.migrating && isFresh(cached.updated, mtime, ttlMs)) return cached;
  }
  return (await import('./service.js')).refreshStatus(ctx);
}

/** `status computed 42 s ago`, when the cache is older than the daemon keeps it. */
function ageLine(s: ServiceStatus, now = Date.now()): string | undefined {
  const age = now - Date.parse(s.updated);
  return age > DAEMON_FRESH_MS ? `status computed ${Math.round(age / 1000)} s ago (cached; --refresh recomputes it)` : undefined;
}

/** This node's target.json for `service`: undefined when none was set. */
export async function readTarget(root: string, service: string): Promise<Target | undefined> {
  return parseTarget(await readFile(join(servicePaths(root, service).varDir, TARGET_FILE), 'utf8').catch(() => undefined));
}

/** The status with this node's target (read each time: the daemon adopts a peer's target without touching the status cache). */
async function withTarget(ctx: CommandContext, d?: DaemonStatusView): Promise<ServiceStatus> {
  const svc = ctx.options['service'] as string;
  const [s, target] = await Promise.all([currentStatus(ctx), readTarget(ctx.root, svc)]);
  // Down here and held by another node: said, so that a hypervisor above reads this container as a standby.
  const elsewhere = s.avail === 'down' || s.avail === 'n/a' ? await heldElsewhere(ctx.root, ctx.nodename, svc, {}, d) : undefined;
  return { ...s, ...(target ? { target } : {}), ...(elsewhere ? { elsewhere } : {}) };
}

/** A kept copy as print status says it: what replaced it, and the two ways out. */
function describeKept(svc: string, k: KeptCopy): string {
  return `config: kept copy ${k.id} (generation ${k.version.generation}, a diverged edit made here) superseded by ${k.by}'s generation ${k.byGeneration}: svcmgr -s ${svc} sync --accept ${k.id} makes it the config again (its content replaces the current one), sync --dismiss forgets it`;
}

export async function printStatus(ctx: CommandContext): Promise<number> {
  const svc = ctx.options['service'] as string;
  const d = await daemonView(ctx.root);
  const [s, kept] = await Promise.all([withTarget(ctx, d), listKept(servicePaths(ctx.root, svc))]);
  // Every node's instance, as this node's daemon hears them (none runs here: this node's tree only, as before).
  const instances = d ? instancesOf(svc, d) : undefined;
  if (ctx.format === 'json') ctx.out(renderJson({ ...s, ...(kept.length ? { kept: kept.map(({ file: _f, ...k }) => k) } : {}), ...(instances ? { instances } : {}) }));
  else {
    // Under the service's line: what the daemons drive it toward, and who asked. Said when it matters: a daemon
    // runs here to act on it, or the target is stopped (a stopped service stays stopped); a lone node's started
    // target is what its own start did, and the seed's tree stays as it was.
    const [head, ...rest] = renderStatusTree(s).split('\n');
    const say = s.target !== undefined && (s.target.target === 'stopped' || existsSync(daemonPaths(ctx.root).socket));
    const age = ageLine(s);
    ctx.out([head, ...(say ? [`target: ${describeTarget(s.target, Date.now())}`] : []), ...(age ? [age] : []), ...kept.map((k) => describeKept(svc, k)), ...rest].join('\n'));
    if (d && instances) ctx.out('\n' + renderInstances(d, instances));
  }
  return 0;
}

export async function jsonStatus(ctx: CommandContext): Promise<number> {
  ctx.out(renderJson(await withTarget(ctx)));
  return 0;
}

/** Exit code = overall status code (0 up, 1 down, 2 warn, 3 n/a, 5 undef, 6 stdby up, 7 stdby down). */
export async function status(ctx: CommandContext): Promise<number> {
  // The exit code scripts act on: the daemon's current status (it refreshes every 5 s), else a fresh check.
  const s = await currentStatus(ctx, existsSync(daemonPaths(ctx.root).socket) ? DAEMON_FRESH_MS : 0);
  if (ctx.format === 'json') ctx.out(renderJson({ overall: s.overall, avail: s.avail }));
  return STATUS_CODE[s.overall];
}

export async function frozen(ctx: CommandContext): Promise<number> {
  const s = await currentStatus(ctx);
  ctx.out(ctx.format === 'json' ? renderJson({ frozen: s.frozen }) : `${s.frozen}\n`);
  return 0;
}

export async function logs(ctx: CommandContext): Promise<number> {
  const { printLog } = await import('./logs.js');
  return printLog(ctx, join(servicePaths(ctx.root, ctx.options['service'] as string).varDir, 'log'));
}
