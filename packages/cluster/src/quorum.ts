// Whether this node's partition may act. A strict majority of the cluster's
// nodes has quorum. Exactly half (the two halves of a 2-node cluster) has it
// only with the arbitrator: when the arbitrator hears none of the missing
// nodes they are down, and this half may take over; when it still hears
// some of them the network is split, and only the half holding the first
// node of the cluster (in [cluster] nodes order) keeps quorum. Both halves
// compute the same answer from the arbitrator's list, so at most one acts.

export interface ArbitratorView {
  /** Whether this node reached the arbitrator within the heartbeat timeout. */
  reachable: boolean;
  /** Nodes the arbitrator heard from within the heartbeat timeout. */
  seen: readonly string[];
}

export interface QuorumInput {
  /** The cluster's nodes, in order. */
  nodes: readonly string[];
  /** Nodes this node hears, itself included. */
  alive: readonly string[];
  /** Undefined when no arbitrator is configured. */
  arbitrator?: ArbitratorView;
}

export interface QuorumVerdict {
  quorum: boolean;
  reason: string;
  /**
   * How a half got quorum from the arbitrator: `alone` (it hears none of the
   * other half), `first-node` (a split, and this half holds the first node).
   * The start rule needs it: in the first case the other half may have held
   * quorum through the arbitrator until recently.
   */
  tieBreak?: 'alone' | 'first-node';
}

export function quorum(q: QuorumInput): QuorumVerdict {
  const n = q.nodes.length;
  const alive = q.nodes.filter((x) => q.alive.includes(x));
  if (n <= 1) return { quorum: true, reason: 'single node cluster' };
  if (2 * alive.length > n) return { quorum: true, reason: `majority (${alive.length}/${n})` };
  if (2 * alive.length < n) return { quorum: false, reason: `minority (${alive.length}/${n})` };
  if (!q.arbitrator) return { quorum: false, reason: `half (${alive.length}/${n}) and no arbitrator` };
  if (!q.arbitrator.reachable) return { quorum: false, reason: `half (${alive.length}/${n}) and the arbitrator does not answer` };
  const hidden = q.nodes.filter((x) => !alive.includes(x) && q.arbitrator!.seen.includes(x));
  if (hidden.length === 0) return { quorum: true, reason: `half (${alive.length}/${n}) and the arbitrator hears none of the others`, tieBreak: 'alone' };
  const first = q.nodes.find((x) => alive.includes(x) || hidden.includes(x));
  return first !== undefined && alive.includes(first)
    ? { quorum: true, reason: `split from ${hidden.join(',')}: this half holds ${first}`, tieBreak: 'first-node' }
    : { quorum: false, reason: `split from ${hidden.join(',')}: the other half holds ${first}` };
}
