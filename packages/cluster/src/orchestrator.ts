// The orchestrator: pure logic, views in, this node's decisions out. Every
// node runs the same code on the same heartbeat views, so they agree on who
// acts; each only ever decides for itself (start or stop here), and a
// peer's instance is its own business.
import { own } from './membership.js';

export { own };
// The target's helpers, for the CLI's zod-free paths (status, start, stop).
export { clusterTarget, describeTarget, newerTarget, nextTarget, parseTarget, TARGET_FILE, type Target, type TargetState } from './target.js';
import type { ServicePolicy } from './policy.js';
import { affinityOrder, childrenUp, flexWanted, parentsDown } from './relations.js';
import { fenceBeforeStart, type FenceInput, type FenceVerdict } from './stonith.js';
import { clusterTarget, type Target } from './target.js';
// Types only from view.ts: its zod schemas are for received views, and svcmon loads this module.
import type { InstanceView, NodeView } from './view.js';

/** Instances that hold the service: up, or on their way up or down. */
export function holds(i: InstanceView | undefined): boolean {
  return i !== undefined && (i.avail === 'up' || i.avail === 'warn' || i.avail === 'starting' || i.avail === 'stopping');
}

export interface OrchestratorInput extends FenceInput {
  self: string;
  /** False until the daemon has listened for one heartbeat timeout: it does not know its peers yet. */
  ready: boolean;
  quorum: boolean;
  /** `[cluster] quorum = true`: a node that loses quorum stops its ha services. */
  fence: boolean;
  /** Nodes this node hears, itself included. */
  alive: readonly string[];
  /** The latest view of every alive node, this node's own included. */
  views: Readonly<Record<string, NodeView>>;
  services: readonly ServicePolicy[];
  /** For each node outside `alive`: how long the whole partition has been without word from it (ms, membership's silentFor). */
  silentMs: Readonly<Record<string, number>>;
  /** How long a failover service waits after a possible holder fell silent before it starts elsewhere (takeoverDelayMs). */
  takeoverMs: number;
  /** Every member's view is recent enough to start on: each echoes a heartbeat of this node sent within two intervals. */
  settled: boolean;
}

/** What this node does about one service: start or stop it here, or fence peers before starting it (stonith = true). */
type Verdict = { action: 'start' | 'stop'; reason: string } | FenceVerdict;
export type Decision = Verdict & { service: string };
/** The decisions svcmgr carries out here. */
export type ServiceAction = Extract<Decision, { action: 'start' | 'stop' }>;

export class Orchestrator {
  /** Services seen held somewhere since this daemon started: `orchestrate = start` starts a service once, never again. */
  private readonly seenHeld = new Set<string>();
  private readonly flexPlaced = new Set<string>();

  decide(input: OrchestratorInput): Decision[] {
    const out: Decision[] = [];
    // Leaders chosen in this round, so that services placed together spread (every node computes the same).
    const placed = new Map<string, number>();
    // Where services that run nowhere are placed this round, for the affinities of those decided after them.
    const planned = new Map<string, string>();
    for (const svc of [...input.services].sort((a, b) => (a.priority ?? 100) - (b.priority ?? 100) || a.name.localeCompare(b.name))) {
      const d = this.decideService(input, svc, placed, planned);
      if (d) out.push({ service: svc.name, ...d });
    }
    return out;
  }

  private decideService(input: OrchestratorInput, svc: ServicePolicy, placed: Map<string, number>, planned: Map<string, string>): Verdict | undefined {
    const inst = (node: string): InstanceView | undefined => own(own(input.views, node)?.services, svc.name);
    const mine = inst(input.self);
    if (svc.orchestrate === 'no') return undefined;
    if (!svc.nodes.includes(input.self)) {
      // Taken out of the service's nodes while running it here: the instance is dropped, so that the service's nodes can place it.
      const drop = input.ready && input.quorum && svc.orchestrate === 'ha' && svc.topology === 'failover' && holds(mine) && mine?.avail !== 'stopping' && mine?.moving === undefined;
      return drop ? { action: 'stop', reason: `${targetWord(clusterTarget(input.views, svc.name)?.target)}, this node is no longer among the nodes of ${svc.name} (${svc.nodes.join(' ')})` } : undefined;
    }
    // The administrator's target, the newest any live node publishes; none set: started (as before targets existed).
    const target = clusterTarget(input.views, svc.name)?.target;
    const alive = svc.nodes.filter((n) => input.alive.includes(n));
    const holders = alive.filter((n) => holds(inst(n)));
    if (holders.length) this.seenHeld.add(svc.name);
    // `orchestrate = start` places a flex service up to flex_min once: done when that many ran at once (up, not
    // starting: a start that fails does not count).
    const running = holders.filter((n) => inst(n)?.avail === 'up' || inst(n)?.avail === 'warn');
    if (running.length >= flexWanted(svc)) this.flexPlaced.add(svc.name);
    if (!input.ready) return undefined;
    // An administrator's switch or migration is moving it: the daemons wait for it to land.
    if (alive.some((n) => inst(n)?.moving !== undefined)) return undefined;
    if (!input.quorum) {
      if (input.fence && svc.orchestrate === 'ha' && holds(mine) && mine?.avail !== 'stopping') return { action: 'stop', reason: `${targetWord(target)}, no quorum: self-fencing` };
      return undefined;
    }
    // Frozen: left alone, by the daemon and by the peers' placement.
    const frozenHere = own(input.views, input.self)?.frozen === true || mine?.frozen === true;
    const order = affinityOrder(svc, placementOrder(svc, eligibleNodes(svc.name, alive, input.views), input.views, placed), input.views, planned);
    if (holders.length === 0 && order[0] !== undefined) {
      placed.set(order[0], (placed.get(order[0]) ?? 0) + 1);
      if (svc.topology === 'failover' && parentsDown(svc, input.alive, input.views).length === 0) planned.set(svc.name, order[0]);
    }
    if (frozenHere) return undefined;
    // Target stopped: nothing starts, and a node holding it stops it (frozen, it is left alone: how an admin runs it by hand).
    if (target?.target === 'stopped') {
      // Children first: a parent stops once nothing that needs it runs (they have their own target to reach).
      const stop = svc.orchestrate === 'ha' && holds(mine) && mine?.avail !== 'stopping' && childrenUp(svc, input.alive, input.views).length === 0;
      return stop ? { action: 'stop', reason: targetWord(target) } : undefined;
    }
    const word = targetWord(target);
    const verdict = (() => {
      if (svc.topology === 'flex') return this.flex(svc, input.self, holders, order, mine);
      // A node that left the service's nodes but still runs it is a holder all the same.
      const strays = input.alive.filter((n) => !svc.nodes.includes(n) && holds(inst(n)));
      return this.failover(svc, input, [...holders, ...strays], order, mine);
    })();
    // A start waits for the parents; the other verdicts do not.
    if (verdict?.action === 'start' && parentsDown(svc, input.alive, input.views).length) return undefined;
    return verdict && { ...verdict, reason: `${word}, ${verdict.reason}` };
  }

  private failover(svc: ServicePolicy, input: OrchestratorInput, holders: string[], order: string[], mine: InstanceView | undefined): Verdict | undefined {
    const self = input.self;
    if (holders.length === 0) {
      if (svc.orchestrate === 'start' && this.seenHeld.has(svc.name)) return undefined;
      if (order[0] !== self) return undefined;
      const leader = order.length > 1 ? `placement leader of ${order.join(',')}` : 'the only eligible node';
      const fence = svc.stonith ? fenceBeforeStart(svc, input, leader) : undefined;
      if (fence) return fence === 'wait' ? undefined : fence;
      if (mustWait(svc, input)) return undefined;
      return { action: 'start', reason: `${leader}${silentNote(svc, input)}` };
    }
    if (svc.orchestrate !== 'ha' || !holders.includes(self) || mine?.avail === 'stopping') return undefined;
    // Two instances of a failover service: the one first in nodes order stays.
    const keeper = svc.nodes.find((n) => holders.includes(n));
    if (holders.length > 1 && keeper !== self) return { action: 'stop', reason: `also up on ${keeper}: a failover service runs on one node` };
    if (svc.failback && holders.length === 1 && order[0] !== undefined && order[0] !== self && svc.nodes.indexOf(order[0]) < svc.nodes.indexOf(self)) {
      return { action: 'stop', reason: `failback to ${order[0]}` };
    }
    return undefined;
  }

  private flex(svc: ServicePolicy, self: string, holders: string[], order: string[], mine: InstanceView | undefined): Verdict | undefined {
    const max = svc.flexMax ?? svc.nodes.length;
    const want = flexWanted(svc);
    if (holders.length < want && !holders.includes(self)) {
      if (svc.orchestrate === 'start' && this.flexPlaced.has(svc.name)) return undefined;
      const candidates = order.filter((n) => !holders.includes(n));
      const rank = candidates.indexOf(self);
      if (rank >= 0 && rank < want - holders.length) return { action: 'start', reason: `flex: ${holders.length} of ${want} instances up` };
    }
    if (holders.length > max && holders.includes(self) && svc.orchestrate === 'ha' && mine?.avail !== 'stopping') {
      const surplus = svc.nodes.filter((n) => holders.includes(n)).slice(max);
      if (surplus.includes(self)) return { action: 'stop', reason: `flex: ${holders.length} instances up, at most ${max}` };
    }
    return undefined;
  }
}

/** `target started`, or `target stopped (set by hv1 at ...)`: every reason of the daemon's names the target it drives toward. */
function targetWord(t: Target | undefined): string {
  return t?.target === 'stopped' ? `target stopped (set by ${t.by} at ${t.at})` : 'target started';
}

/**
 * The start rule's wait (docs/architecture.md, "Starting is safe by
 * construction"): no node of the service outside this partition may still
 * hold it. Each has been silent to every member for `takeoverMs`, so its
 * quorum has lapsed and its self-fencing has ended, or, for a stonith
 * service, is fenced (off, it holds nothing: the proof of that rule covers
 * only the services that fence before they start); and every member's view
 * is recent.
 */
function mustWait(svc: ServicePolicy, input: OrchestratorInput): boolean {
  return !input.settled || svc.nodes.some((n) => !input.alive.includes(n) && !(svc.stonith && input.fenced.includes(n)) && (own(input.silentMs, n) ?? 0) < input.takeoverMs);
}

function silentNote(svc: ServicePolicy, input: OrchestratorInput): string {
  const silent = svc.nodes.filter((n) => !input.alive.includes(n));
  const note = (n: string) => (svc.stonith && input.fenced.includes(n) ? `${n} fenced` : `${n} silent ${((own(input.silentMs, n) ?? 0) / 1000).toFixed(1)} s`);
  return silent.length ? `, ${silent.map(note).join(', ')}` : '';
}

/** Why `node` may not run `service` now (svcmon shows it), or undefined when it may. */
export function ineligibility(service: string, node: string, views: Readonly<Record<string, NodeView>>): string | undefined {
  const v = own(views, node);
  const i = own(v?.services, service);
  if (v?.frozen === true) return 'node frozen';
  if (i?.frozen === true) return 'frozen';
  if (i?.startFailed === true) return i.retryInMs !== undefined ? `start failed, retry in ${Math.ceil(i.retryInMs / 1000)} s` : 'start failed';
  return undefined;
}

/** Nodes that may run `service`: alive, the node not frozen, its instance neither frozen nor failed to start there. */
export function eligibleNodes(service: string, alive: readonly string[], views: Readonly<Record<string, NodeView>>): string[] {
  return alive.filter((n) => ineligibility(service, n, views) === undefined);
}

/**
 * Candidates in placement order. `nodes order`: as listed. `spread`: the
 * node holding the fewest instances first, nodes order breaking ties.
 * (`load avg` and `score` fall back to nodes order until nodes publish them.)
 */
export function placementOrder(svc: ServicePolicy, eligible: readonly string[], views: Readonly<Record<string, NodeView>>, placed: ReadonlyMap<string, number> = new Map()): string[] {
  const ordered = svc.nodes.filter((n) => eligible.includes(n));
  if (svc.placement !== 'spread') return ordered;
  const load = (n: string) => Object.entries(own(views, n)?.services ?? {}).filter(([name, i]) => name !== svc.name && holds(i)).length + (placed.get(n) ?? 0);
  return ordered.map((n, i) => ({ n, i, l: load(n) })).sort((a, b) => a.l - b.l || a.i - b.i).map((x) => x.n);
}
