// The action engine: ordered start/stop of the selected resources under the
// service lock, hooks around each resource, rollback of what a failed start
// started, then a refreshed status cache. Every resource acts in a context
// whose commands are killed when the action is cancelled; a cancelled action
// starts or stops nothing more, rolls nothing back, and says what it left up.
import { CapsuleError, ErrorCode, isCapsuleError, isContainerResource, START_ORDER, systemClock, type ActionContext, type ContainerContext, type Resource } from '@capsule/core';
import { parseRequires, unmetRequirement } from './requires.js';
import { acquireLock, writeStateFile } from '@capsule/config';
import { rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { contextFor, withDeadline, type Runtime } from './context.js';
import { interruption, throwIfInterrupted, wasInterrupted } from './interrupted.js';
import { clearStaleMigrating } from './marker.js';
import type { ServiceLog } from './log.js';
import { migrationActions, type Peers } from './migrate.js';
import type { Service, ServiceResource } from './model.js';
import { checkSelection, plan, select, type Selection, type Verb } from './order.js';
import { isFrozen } from './status.js';

/** Sub-actions: one verb on some groups only. */
export const SUB_ACTIONS: Readonly<Record<string, { verb: Verb; groups: string[] }>> = Object.fromEntries(
  START_ORDER.flatMap((g) => [
    [`start${g}`, { verb: 'start', groups: [g] }],
    [`stop${g}`, { verb: 'stop', groups: [g] }],
  ]),
);

export const ACTIONS = ['start', 'stop', 'restart', 'shutdown', 'startstandby', 'freeze', 'thaw', 'switch', 'migrate', ...Object.keys(SUB_ACTIONS)] as const;

/** How the encapsulated level is chained; provided by the encapsulation layer (encap/chain.ts). */
export interface EncapChain {
  /** Whether the hypervisor's own resources take part (false for --slave/--slaves only). */
  master: boolean;
  /** After the hypervisor resources started. */
  afterStart(svc: Service, action: string, o: ActionOptions): Promise<void>;
  /** Before the hypervisor resources stop; when the hypervisor takes part, errors are logged, not fatal. */
  beforeStop(svc: Service, action: string, o: ActionOptions): Promise<void>;
}

export interface ActionOptions extends Runtime {
  log: ServiceLog;
  selection?: Selection;
  disableRollback?: boolean;
  /** Seconds to wait for another action on this service. */
  waitlock?: number;
  encap?: EncapChain;
  /** Called with the lock still held, once the action is done (status cache refresh). */
  after?: (svc: Service) => Promise<void>;
  /** Bound on the status check that precedes each resource action (ms). */
  statusTimeoutMs?: number;
  /** Cancels the whole action: every running command is killed. */
  signal?: AbortSignal;
  /** switch and migrate: the destination node. */
  to?: string;
  /** How to reach the other nodes of the service (switch, migrate). */
  peers?: Peers;
  /** Before a switch or a migration stops anything: throws when the cluster says `node` cannot take the service (not alive). */
  peerCheck?: (node: string) => Promise<void>;
  /**
   * Called once a switch or migration has marked the service moving, before
   * anything stops: the local daemon publishes the mark now, so that no peer
   * reads this node's stale "up" beside the destination's and stops one.
   */
  announce?: () => Promise<void>;
}

export const PRE_ACTION_STATUS_TIMEOUT_MS = 30_000;

function context(o: ActionOptions, r: ServiceResource, signal: AbortSignal): ActionContext {
  return contextFor(r.resource!, o, o.log.for(r.rid), signal);
}

async function runHooks(svc: Service, r: ServiceResource, when: 'pre' | 'post', names: string[], o: ActionOptions): Promise<void> {
  for (const name of names) {
    for (const blocking of [true, false]) {
      const key = `${blocking ? 'blocking_' : ''}${when}_${name}`;
      const cmd = r.hooks[key];
      if (!cmd) continue;
      const log = o.log.for(r.rid);
      log.info(`${key}: ${cmd}`);
      if (o.dryRun) continue;
      const res = await o.exec(['sh', '-c', cmd], { env: svc.env, ...(o.signal ? { signal: o.signal } : {}) });
      if (res.code === 0) continue;
      const why = `${key} exited ${res.code}${res.stderr.trim() ? `: ${res.stderr.trim().split('\n').pop()}` : ''}`;
      if (blocking) throw new CapsuleError('HookFailed', `${r.rid}: ${why}`, { hint: `fix the ${key} command of ${r.rid}` });
      log.warn(why);
    }
  }
}

async function currentStatus(r: ServiceResource, o: ActionOptions): Promise<string> {
  const ms = o.statusTimeoutMs ?? PRE_ACTION_STATUS_TIMEOUT_MS;
  // Under the service lock: a hung check must not hold the lock forever, and its commands die with it.
  return withDeadline(ms, async (signal) => (await r.resource!.status(context(o, r, signal))).status, () => {
    throw new CapsuleError('ExecTimeout', `${r.rid}: its status did not answer within ${ms / 1000}s`, { hint: `check what ${r.rid}'s status command waits for` });
  }, o.signal);
}

/** Start guard: a guest already running on another node is never started here too. */
async function guardStart(res: Resource, ctx: ActionContext, rid: string): Promise<void> {
  if (!isContainerResource(res) || !res.runningElsewhere) return;
  const where = await res.runningElsewhere(ctx as ContainerContext);
  if (!where) return;
  if (ctx.force) {
    ctx.log.warn(`${res.guestName} runs elsewhere (${where}): starting it anyway (--force)`);
    return;
  }
  throw new CapsuleError('GuestRunningElsewhere', `${rid}: ${res.guestName} already runs elsewhere (${where}): start refused`, {
    hint: 'stop it there first; --force starts it anyway, at the risk of two running copies',
  });
}

/** `start_requires` / `stop_requires`: the other resources' states this action waits on, checked now (OpenSVC does not wait either). */
async function checkRequires(svc: Service, r: ServiceResource, verb: Verb, o: ActionOptions): Promise<void> {
  const key = `${verb}_requires`;
  const reqs = parseRequires(typeof r.config[key] === 'string' ? (r.config[key] as string) : undefined, `${r.rid}.${key}`);
  if (!reqs.length) return;
  const unmet = await unmetRequirement(reqs, async (rid) => {
    const other = svc.resources.find((x) => x.rid === rid);
    if (!other?.resource) {
      o.log.for(r.rid).warn(`${key}: no resource ${rid} here, condition ignored`);
      return undefined;
    }
    return `${other.standby ? 'stdby ' : ''}${await currentStatus(other, o)}`;
  });
  if (unmet) throw new CapsuleError(ErrorCode.RequirementUnmet, `${r.rid}: ${verb} requires ${unmet}`, { hint: `bring it to that state first, or change ${r.rid}.${key}` });
}

/** Whether it acted: false for a resource already in the wanted state. */
async function act(svc: Service, r: ServiceResource, verb: Verb, action: string, o: ActionOptions): Promise<boolean> {
  throwIfInterrupted(o);
  const res = r.resource!;
  const ctx = context(o, r, o.signal ?? new AbortController().signal);
  // Actions are idempotent: a resource already in the wanted state is left alone.
  const current = await currentStatus(r, o);
  if ((verb === 'start' && current === 'up') || (verb === 'stop' && current === 'down')) {
    ctx.log.info(`${res.label()} already ${current}`);
    return false;
  }
  if (verb === 'start') await guardStart(res, ctx, r.rid);
  await checkRequires(svc, r, verb, o);
  const names = action === verb ? [verb] : [verb, action];
  await runHooks(svc, r, 'pre', names, o);
  if (o.dryRun) ctx.log.info(`would ${verb} ${r.rid} (${res.label()})`);
  else {
    ctx.log.info(`${verb} ${res.label()}`);
    await res[verb](ctx);
  }
  await runHooks(svc, r, 'post', names, o);
  return true;
}

function failure(svc: Service, action: string, r: ServiceResource, e: unknown): CapsuleError {
  const why = isCapsuleError(e) || e instanceof Error ? e.message : String(e);
  return new CapsuleError('ActionFailed', `${svc.svcname}: ${action} failed on ${r.rid}: ${why}`, {
    hint: isCapsuleError(e) && e.hint ? e.hint : `see \`svcmgr -s ${svc.svcname} logs\``,
    cause: e,
    details: { rid: r.rid, action },
  });
}

/** Starts `list` in order; what it started (not what was already up), so that a later failure rolls back only that. */
export async function startResources(svc: Service, list: ServiceResource[], action: string, o: ActionOptions): Promise<ServiceResource[]> {
  const started: ServiceResource[] = [];
  for (const step of plan(list, 'start', svc.subsets)) {
    throwIfInterrupted(o);
    const results = await Promise.allSettled(step.map((r) => act(svc, r, 'start', action, o)));
    let failed: { r: ServiceResource; e: unknown } | undefined;
    results.forEach((res, i) => {
      const r = step[i]!;
      // A resource that was already up is not this start's to roll back.
      if (res.status === 'fulfilled') {
        if (res.value) started.push(r);
      }
      else if (r.optional) o.log.for(r.rid).warn(`optional resource failed to start: ${(res.reason as Error).message}`);
      else failed ??= { r, e: res.reason };
    });
    if (!failed) continue;
    o.log.for(failed.r.rid).error((failed.e as Error).message);
    // Interrupted: stopping what started would be more of what was just asked to stop.
    if (!o.disableRollback && svc.rollback && started.length && !wasInterrupted(o)) {
      o.log.for(svc.svcname).info(`rollback: stopping ${started.map((r) => r.rid).join(', ')}`);
      await stopResources(svc, started, 'rollback', o).catch((e: Error) => o.log.for(svc.svcname).error(`rollback incomplete: ${e.message}`));
    }
    throw failure(svc, action, failed.r, failed.e);
  }
  return started;
}

export async function stopResources(svc: Service, list: ServiceResource[], action: string, o: ActionOptions): Promise<void> {
  let first: CapsuleError | undefined;
  for (const step of plan(list, 'stop', svc.subsets)) {
    throwIfInterrupted(o);
    const results = await Promise.allSettled(step.map((r) => act(svc, r, 'stop', action, o)));
    results.forEach((res, i) => {
      if (res.status === 'fulfilled') return;
      const r = step[i]!;
      o.log.for(r.rid).error((res.reason as Error).message);
      if (!r.optional) first ??= failure(svc, action, r, res.reason);
    });
    // Stopping what sits on a resource that failed to stop would only make it worse.
    if (first) throw first;
  }
}

export async function runAction(svc: Service, action: string, o: ActionOptions): Promise<void> {
  try {
    await dispatch(svc, action, o);
  } catch (e) {
    // However it ended (a killed command, a step refused), an interrupted action is reported as one.
    throw wasInterrupted(o) ? await interruption(svc, action, o, e) : e;
  } finally {
    await o.log.flush();
  }
}

async function dispatch(svc: Service, action: string, o: ActionOptions): Promise<void> {
  if (action === 'freeze' || action === 'thaw') {
    await mkdir(svc.varDir, { recursive: true });
    if (action === 'freeze') await writeStateFile(join(svc.varDir, 'frozen'), new Date((o.clock ?? systemClock).now()).toISOString() + '\n');
    else await rm(join(svc.varDir, 'frozen'), { force: true });
    o.log.for(svc.svcname).info(action === 'freeze' ? 'frozen: actions need --force' : 'thawed');
    return;
  }
  const sub = SUB_ACTIONS[action];
  if (!sub && !(ACTIONS as readonly string[]).includes(action)) {
    throw new CapsuleError('UnknownAction', `${svc.svcname}: unknown action ${action}`, { hint: `actions are ${ACTIONS.join(', ')}` });
  }
  throwIfInterrupted(o);
  if (isFrozen(svc.varDir) && !o.force) {
    throw new CapsuleError('ServiceFrozen', `${svc.svcname} is frozen: ${action} refused`, { hint: `thaw it (\`svcmgr -s ${svc.svcname} thaw\`) or add --force` });
  }
  const release = await acquireLock(svc.varDir, {
    action,
    waitSeconds: o.waitlock ?? svc.lockTimeout,
    svcname: svc.svcname,
    ...(o.clock ? { clock: o.clock } : {}),
    onBreak: (why) => o.log.for(svc.svcname).warn(why),
  });
  try {
    // A switch killed before it could remove its marker left the service `moving` for every daemon.
    const stale = await clearStaleMigrating(svc.varDir, { unreadable: true });
    if (stale) o.log.for(svc.svcname).warn(stale);
    const moves = migrationActions[action];
    if (moves) {
      await moves(svc, o, { start: async (list) => void (await startResources(svc, list, action, o)), stop: (list) => stopResources(svc, list, action, o) });
      return;
    }
    const selection = { ...o.selection, ...(sub ? { groups: sub.groups } : {}) };
    // Guests get the hypervisor's selection and know only their own resources: checked up here.
    if (svc.level === 'hypervisor') checkSelection(svc.svcname, svc.resources, selection);
    // Encap resources belong to the guests' level, even when built here for an agentless guest.
    const here = select(svc.resources, selection).filter((r) => r.resource && !(svc.level === 'hypervisor' && r.encap));
    const startAll = action === 'start' || action === 'restart' || action === 'startstandby' || sub?.verb === 'start';
    const stopAll = action === 'stop' || action === 'restart' || action === 'shutdown' || sub?.verb === 'stop';
    const master = o.encap?.master ?? true;
    // A restart is a stop then a start at each level, not two restarts in the guests.
    const guestAction = (verb: Verb) => (action === 'restart' ? verb : action);
    if (stopAll) {
      // Guests first: their resources sit on the hypervisor's.
      try {
        await o.encap?.beforeStop(svc, guestAction('stop'), o);
      } catch (e) {
        if (!master) throw e;
        o.log.for(svc.svcname).warn(`encapsulated stop: ${(e as Error).message}`);
      }
      // Standby resources stay up on stop; only shutdown takes them down.
      if (master) await stopResources(svc, here.filter((r) => action === 'shutdown' || !r.standby), action, o);
    }
    if (startAll) {
      const started = master ? await startResources(svc, action === 'startstandby' ? here.filter((r) => r.standby) : here, action, o) : [];
      try {
        await o.encap?.afterStart(svc, guestAction('start'), o);
      } catch (e) {
        // The guests' level failed (no agent there, its start failed): said here, and what this start started is stopped.
        o.log.for(svc.svcname).error(`encapsulated start: ${(e as Error).message}`);
        if (!o.disableRollback && svc.rollback && started.length && !wasInterrupted(o)) {
          o.log.for(svc.svcname).info(`rollback: stopping ${started.map((r) => r.rid).join(', ')}`);
          await stopResources(svc, started, 'rollback', o).catch((err: Error) => o.log.for(svc.svcname).error(`rollback incomplete: ${err.message}`));
        }
        throw e;
      }
    }
  } finally {
    try {
      await o.after?.(svc);
    } finally {
      await release();
    }
  }
}
