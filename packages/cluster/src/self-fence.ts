// Would this node.conf edit self-fence the running cluster? Growing
// `[cluster] nodes` before the new nodes' agents run, dropping the
// arbitrator of an even cluster, or turning `quorum = true` on in a
// partition without quorum: the daemon reloads the file, finds itself
// without quorum and stops every ha service it holds at once. The verdict
// is the one the daemon would reach with the new file and the members it
// hears now, computed by quorum() itself so the two cannot disagree.
import { ARBITRATOR, CLUSTER, nodeSection, type NodeSections } from './node-keywords.js';
import type { ServicePolicy } from './policy.js';
import { quorum, type ArbitratorView, type QuorumVerdict } from './quorum.js';

/** The running daemon as its `status` answers, the part this reads. */
export interface RunningCluster {
  node: string;
  peers: Readonly<Record<string, { alive: boolean }>>;
  /** The daemon's arbitrator (the first of its file); null or absent when it has none. */
  arbitrator?: ArbitratorView | null;
  views: Readonly<Record<string, { services: Readonly<Record<string, { avail: string }>> }>>;
  policies: ReadonlyArray<Pick<ServicePolicy, 'name' | 'orchestrate'>>;
}

export interface SelfFence {
  /** What this node would conclude with the new file. */
  verdict: QuorumVerdict;
  /** The ha services held here that would be stopped. */
  services: string[];
  /** Nodes of the new file that are not alive now: their agents are not running, or not heard. */
  notAlive: string[];
}

/** Whether editing `section.key` (`key` undefined: removing the whole section) can change the quorum verdict. */
export function decidesQuorum(section: string, key?: string): boolean {
  return (section === 'cluster' && (key === undefined || key === 'nodes' || key === 'quorum')) || nodeSection(section)?.keywords === ARBITRATOR;
}

const parsed = <T>(r: { success: true; data: T } | { success: false }): T | undefined => (r.success ? r.data : undefined);

/** The address of the arbitrator the daemon asks: the first [arbitrator#N], as clusterConfig lists them. */
function arbitratorOf(conf: NodeSections): string | undefined {
  const name = Object.keys(conf).find((s) => nodeSection(s)?.keywords === ARBITRATOR);
  if (name === undefined) return undefined;
  const a = parsed(ARBITRATOR.address.schema.safeParse(conf[name]?.['address'] ?? ''));
  return a ? `${a.host}:${a.port}` : name;
}

// An instance on its way down is already being stopped: only those the fence would stop are named.
const HELD = new Set(['up', 'warn', 'starting']);

/** What the edit from `before` to `after` would stop here; undefined when it stops nothing. */
export function selfFence(before: NodeSections, after: NodeSections, running: RunningCluster): SelfFence | undefined {
  const c = after['cluster'] ?? {};
  const nodes = parsed(CLUSTER.nodes.schema.safeParse(c['nodes'] ?? ''));
  const fence = parsed(CLUSTER.quorum.schema.safeParse(c['quorum'] ?? 'false'));
  // A file that does not name this node is one the daemon refuses to reload: it keeps the old one.
  if (!nodes || !fence || !nodes.includes(running.node)) return undefined;
  const alive = [running.node, ...Object.entries(running.peers).flatMap(([n, p]) => (p.alive ? [n] : []))];
  // The arbitrator's view is known only for the one the daemon asks now; another one is an unknown, counted unreachable.
  const arb = arbitratorOf(after);
  const known = arb !== undefined && arb === arbitratorOf(before) && running.arbitrator?.reachable === true;
  const arbitrator = arb === undefined ? undefined : known ? { reachable: true, seen: alive } : { reachable: false, seen: [] };
  const verdict = quorum({ nodes, alive, ...(arbitrator ? { arbitrator } : {}) });
  if (verdict.quorum) return undefined;
  const ha = new Set(running.policies.filter((p) => p.orchestrate === 'ha').map((p) => p.name));
  const own = running.views[running.node]?.services ?? {};
  const services = Object.entries(own)
    .filter(([name, i]) => ha.has(name) && HELD.has(i.avail))
    .map(([name]) => name)
    .sort();
  return services.length ? { verdict, services, notAlive: nodes.filter((n) => !alive.includes(n)) } : undefined;
}
