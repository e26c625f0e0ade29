// How services constrain each other's placement ([DEFAULT] parents,
// children, affinities, flex_target; OpenSVC's semantics): pure functions
// of the heartbeat views, so that every node reaches the same decisions.
// They only ever hold a start or a stop back, or reorder the candidates of
// a start: no rule here makes a node start what the start rule forbids, and
// none delays a stop made for safety (a duplicate instance, a lost quorum).
import { own } from './membership.js';
import type { ServicePolicy } from './policy.js';
import type { InstanceView, NodeView } from './view.js';

type Views = Readonly<Record<string, NodeView>>;

const instance = (views: Views, node: string, service: string): InstanceView | undefined => own(own(views, node)?.services, service);

/** Where this round's decisions place services that run nowhere yet (every node computes the same). */
export type Planned = ReadonlyMap<string, string>;

/** Whether `service` runs (or is on its way, or is placed there this round) on `node`. */
function runsOn(views: Views, node: string, service: string, planned: Planned): boolean {
  const a = instance(views, node, service)?.avail;
  return a === 'up' || a === 'warn' || a === 'starting' || planned.get(service) === node;
}

/** The parents (`svc` or `svc@node`) not avail up on any live node: the daemon does not start the service before they are. */
export function parentsDown(svc: Pick<ServicePolicy, 'parents'>, alive: readonly string[], views: Views): string[] {
  return (svc.parents ?? []).filter((p) => {
    const [name, at] = p.split('@') as [string, string | undefined];
    return !(at ? [at] : alive).some((n) => alive.includes(n) && instance(views, n, name)?.avail === 'up');
  });
}

/** The children still held on some live node: the daemon does not stop the service (for its target) before they are down. */
export function childrenUp(svc: Pick<ServicePolicy, 'children'>, alive: readonly string[], views: Views): string[] {
  return (svc.children ?? []).filter((c) => {
    const i = (n: string) => instance(views, n, c)?.avail;
    return alive.some((n) => i(n) !== undefined && i(n) !== 'down' && i(n) !== 'n/a');
  });
}

/**
 * Candidates after the affinities: a node lacking a hard affinity or
 * running a hard anti-affinity is out; nodes with every soft affinity come
 * first and nodes with a soft anti-affinity last (a soft rule never leaves
 * the service without a node), the placement order kept otherwise. A
 * service decided earlier in the same round (lower priority, then name)
 * counts where it is placed: a related service is best given a lower
 * priority, so that the other follows it rather than races it.
 */
export function affinityOrder(svc: Pick<ServicePolicy, 'name' | 'hardAffinity' | 'hardAntiAffinity' | 'softAffinity' | 'softAntiAffinity'>, order: readonly string[], views: Views, planned: Planned = new Map()): string[] {
  const on = (n: string, s: string) => runsOn(views, n, s, planned);
  const allowed = order.filter((n) => (svc.hardAffinity ?? []).every((s) => on(n, s)) && !(svc.hardAntiAffinity ?? []).some((s) => on(n, s)));
  const rank = (n: string) => ((svc.softAffinity ?? []).every((s) => on(n, s)) ? 0 : 1) + ((svc.softAntiAffinity ?? []).some((s) => on(n, s)) ? 2 : 0);
  return allowed.map((n, i) => ({ n, i, r: rank(n) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.n);
}

/** Flex: the instances to keep up: flex_target (default flex_min) within [flex_min, flex_max]. */
export function flexWanted(svc: Pick<ServicePolicy, 'flexMin' | 'flexMax' | 'flexTarget' | 'nodes'>): number {
  const max = svc.flexMax ?? svc.nodes.length;
  const min = Math.min(svc.flexMin, max);
  return Math.min(Math.max(svc.flexTarget ?? min, min), max);
}
