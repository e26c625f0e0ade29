// Chains the encapsulated level into hypervisor actions: after a start, the
// guests start; before a stop, the guests stop (errors logged, not fatal).
// Sub-actions say where they run (--master, --slave NAME, --slaves) unless
// only one level has resources they touch.
import type { KeywordRegistry } from '@capsule/config';
import { CapsuleError, isCapsuleError } from '@capsule/core';
import type { ActionOptions, EncapChain } from '../actions.js';
import type { Service } from '../model.js';
import { select } from '../order.js';
import { ensureAgent } from './agent-push.js';
import { agentlessAction } from './agentless.js';
import { syncConfig } from './config-sync.js';
import { GUEST_ACTION_TIMEOUT_MS, guestsOf, type Guest } from './guest.js';

/** Actions that always span both levels and need no --master/--slave. */
export const CHAINED_ACTIONS = ['boot', 'start', 'stop', 'restart', 'shutdown', 'switch', 'migrate', 'startstandby', 'prstart', 'prstop'];

export interface LevelFlags {
  master?: boolean;
  /** Container names (guest node names) or rids. */
  slave?: string[];
  slaves?: boolean;
}

export interface Targets {
  master: boolean;
  guests: Guest[];
}

/** Where an action runs; throws LevelRequired when a sub-action is ambiguous. */
export function resolveTargets(svc: Service, action: string, groups: string[] | undefined, flags: LevelFlags, o: Pick<ActionOptions, 'selection'>): Targets {
  const guests = guestsOf(svc);
  if (svc.level !== 'hypervisor' || !svc.resources.some((r) => r.encap)) return { master: true, guests: [] };
  if (flags.slave?.length) {
    const picked = flags.slave.map((n) => {
      const g = guests.find((x) => x.name === n || x.rid === n);
      if (!g) throw new CapsuleError('UnknownSlave', `${svc.svcname} has no container ${n}`, { hint: `containers are ${guests.map((x) => `${x.name} (${x.rid})`).join(', ')}` });
      return g;
    });
    return { master: flags.master === true, guests: picked };
  }
  if (flags.slaves || flags.master) return { master: flags.master === true, guests: flags.slaves ? guests : [] };
  if (CHAINED_ACTIONS.includes(action)) return { master: true, guests };
  const touched = select(svc.resources, { ...o.selection, ...(groups ? { groups } : {}) });
  const atMaster = touched.some((r) => !r.encap);
  const atSlaves = touched.some((r) => r.encap);
  if (atMaster && atSlaves) {
    throw new CapsuleError('LevelRequired', `${svc.svcname}: ${action} touches resources on the hypervisor (${touched.filter((r) => !r.encap).map((r) => r.rid).join(', ')}) and in the containers (${touched.filter((r) => r.encap).map((r) => r.rid).join(', ')})`, {
      hint: `say where with --master, --slave ${guests[0]?.name ?? 'NAME'} or --slaves`,
    });
  }
  return { master: !atSlaves, guests: atSlaves ? guests : [] };
}

/** The options a guest action inherits from the hypervisor's. */
function passthrough(o: ActionOptions): string[] {
  const s = o.selection ?? {};
  return [
    ...(s.rids?.length ? ['--rid', s.rids.join(',')] : []),
    ...(s.tags?.length ? ['--tags', s.tags.join(',')] : []),
    ...(s.subsets?.length ? ['--subsets', s.subsets.join(',')] : []),
    ...(o.dryRun ? ['--dry-run'] : []),
    ...(o.force ? ['--force'] : []),
    ...(o.disableRollback ? ['--disable-rollback'] : []),
  ];
}

async function runInGuest(g: Guest, action: string, o: ActionOptions, registry: KeywordRegistry): Promise<void> {
  const log = o.log.for(g.rid);
  const call = { runtime: o, log, ...(o.signal ? { signal: o.signal } : {}) };
  if (!(await g.isUp(call))) {
    // A dry run shows the plan: the container would be up by then (the hypervisor level starts it first).
    if (o.dryRun) {
      log.info(`${g.name} is not running yet: would run \`svcmgr -s ${g.svc.svcname} ${[action, ...passthrough(o)].join(' ')}\` in it once it is up`);
      return;
    }
    throw new CapsuleError('GuestDown', `${g.rid}: ${g.name} is not running: cannot ${action} its encapsulated resources`, { hint: `start it first (\`svcmgr -s ${g.svc.svcname} startcontainer\`)` });
  }
  if (g.agentless) {
    await agentlessAction(g, action, o);
    return;
  }
  // push_agent: a missing or older pushed agent is replaced before anything is asked of it.
  await ensureAgent(g, call);
  await syncConfig(g, call, registry);
  log.info(`${g.name}: svcmgr -s ${g.svc.svcname} ${[action, ...passthrough(o)].join(' ')}`);
  try {
    // The guest's lines as they happen, prefixed by the container: a slow app in a VM is not minutes of silence.
    await g.agentChecked(call, [action, ...passthrough(o)], { timeoutMs: GUEST_ACTION_TIMEOUT_MS, progress: (line) => log.info(`${g.name}: ${line}`) });
  } catch (e) {
    // Farmed-failover: the guests' own cluster placed the encapsulated service in another container; this one is its standby.
    if (action === 'start' && isCapsuleError(e) && e.code === 'RunningElsewhere') {
      log.info(`${g.name}: the encapsulated level runs ${e.details?.['node'] ? `in ${String(e.details['node'])}` : 'elsewhere'}: ${g.name} stays its standby`);
      return;
    }
    throw e;
  }
}

/** Runs in every target guest concurrently; the first failure is rethrown once all are done. */
async function inGuests(guests: Guest[], action: string, o: ActionOptions, registry: KeywordRegistry): Promise<void> {
  const results = await Promise.allSettled(guests.map((g) => runInGuest(g, action, o, registry)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export function encapChain(targets: Targets, registry: KeywordRegistry): EncapChain {
  return {
    master: targets.master,
    afterStart: (_svc: Service, action: string, o: ActionOptions) => inGuests(targets.guests, action, o, registry),
    beforeStop: (_svc: Service, action: string, o: ActionOptions) => inGuests(targets.guests, action, o, registry),
  };
}
