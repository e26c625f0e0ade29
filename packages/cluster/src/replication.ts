// Config replication: which node pushes a service's config to its peers,
// and which peers need it. The replication master is the node running a
// failover service, the first live node of a flex service's nodes (its
// flex_primary), or, for a failover service up nowhere, the live node
// holding the latest generation (nodes order breaking ties). drpnodes never
// push.
import type { ServicePolicy } from './policy.js';
import type { NodeView } from './view.js';

export function replicationMaster(policy: ServicePolicy, alive: readonly string[], views: Readonly<Record<string, NodeView>>): string | undefined {
  const live = policy.nodes.filter((n) => alive.includes(n) && views[n]?.services[policy.name]);
  if (policy.topology === 'failover') {
    const up = live.find((n) => ['up', 'warn'].includes(views[n]!.services[policy.name]!.avail));
    if (up) return up;
    const generation = (n: string) => views[n]!.services[policy.name]!.generation;
    return [...live].sort((a, b) => generation(b) - generation(a))[0];
  }
  return live[0];
}

/** Live peers whose copy differs from the master's, or who have none. */
export function staleCopies(name: string, master: string, peers: readonly string[], views: Readonly<Record<string, NodeView>>): string[] {
  const mine = views[master]?.services[name]?.csum;
  if (!mine) return [];
  return peers.filter((p) => p !== master && views[p] !== undefined && views[p]!.services[name]?.csum !== mine);
}
