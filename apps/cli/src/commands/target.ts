// The service's target (the admin's intent, cluster-wide): `svcmgr start`
// sets it started, `stop` stopped, before acting, so that the daemons drive
// toward it and never undo the action. `--local`, a partial action (--rid,
// --tags, --subsets, --master, --slave(s)) and --dry-run leave it alone.
import { mkdir } from 'node:fs/promises';
import { clusterTarget, newerTarget, nextTarget, TARGET_FILE, type Target, type TargetState } from '@capsule/cluster/orchestrator';
import type { NodeView } from '@capsule/cluster';
import { servicePaths, writeStateFile } from '@capsule/config';
import { ask, daemonPaths } from '@capsule/runtime/daemon';
import { join } from 'node:path';
import type { CommandContext } from '../spec.js';
import { readTarget } from './status.js';

/** Whether `action` with these options sets the target: a whole start or stop, for the cluster. */
export function targetOf(action: string, o: Readonly<Record<string, unknown>>): TargetState | undefined {
  if (action !== 'start' && action !== 'stop') return undefined;
  const partial = ['local', 'dry-run', 'master', 'slaves'].some((k) => o[k] === true) || ['rid', 'tags', 'subsets', 'slave'].some((k) => o[k] !== undefined);
  return partial ? undefined : action === 'start' ? 'started' : 'stopped';
}

/**
 * The target after `state` is asked here: one generation above the newest
 * this node knows (its file, and what its daemon hears from the peers, when
 * one runs); undefined when it is the target already.
 */
export async function planTarget(ctx: CommandContext, service: string, state: TargetState): Promise<Target | undefined> {
  const mine = await readTarget(ctx.root, service);
  const d = await ask<{ views?: Record<string, NodeView> }>(daemonPaths(ctx.root).socket, { cmd: 'status' }, 3000).catch(() => undefined);
  const heard = d?.views ? clusterTarget(d.views, service)?.target : undefined;
  return nextTarget(newerTarget(heard, mine) ? heard : mine, state, ctx.nodename, new Date());
}

/** Written atomically: a crash leaves the old target or the new one. */
export async function writeTarget(root: string, service: string, t: Target): Promise<void> {
  const dir = servicePaths(root, service).varDir;
  await mkdir(dir, { recursive: true });
  await writeStateFile(join(dir, TARGET_FILE), JSON.stringify(t) + '\n');
}
