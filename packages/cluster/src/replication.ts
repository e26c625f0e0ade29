// Config replication: which node pushes a service's config to its peers,
// and which peers need it. The replication master is the node running a
// failover service, the first live node of a flex service's nodes (its
// flex_primary), or, for a failover service up nowhere, the live node
// holding the latest generation (nodes order breaking ties). drpnodes never
// push.
import { own } from './membership.js';
import type { ServicePolicy } from './policy.js';
import type { NodeView } from './view.js';

export function replicationMaster(policy: ServicePolicy, alive: readonly string[], views: Readonly<Record<string, NodeView>>): string | undefined {
  const inst = (n: string) => own(own(views, n)?.services, policy.name);
  const live = policy.nodes.filter((n) => alive.includes(n) && inst(n));
  if (policy.topology === 'failover') {
    const up = live.find((n) => ['up', 'warn'].includes(inst(n)!.avail));
    if (up) return up;
    const generation = (n: string) => inst(n)!.generation;
    return [...live].sort((a, b) => generation(b) - generation(a))[0];
  }
  return live[0];
}

/** Live peers whose copy differs from the master's, or who have none. */
export function staleCopies(name: string, master: string, peers: readonly string[], views: Readonly<Record<string, NodeView>>): string[] {
  const mine = own(own(views, master)?.services, name)?.csum;
  if (!mine) return [];
  return peers.filter((p) => p !== master && own(views, p) !== undefined && own(own(views, p)!.services, name)?.csum !== mine);
}

/** Live nodes outside the service's nodes that still hold a copy of it: the master pushes to them too, so that they drop it. */
export function formerNodes(policy: ServicePolicy, alive: readonly string[], views: Readonly<Record<string, NodeView>>): string[] {
  return alive.filter((n) => !policy.nodes.includes(n) && own(own(views, n)?.services, policy.name) !== undefined);
}
