// Who is in this node's partition: peers heard within the heartbeat timeout
// that also hear this node. A node whose own heartbeats are lost (one-way
// failure) is then alone, loses quorum and acts as a minority, instead of
// running a service that its peers, no longer hearing it, start too.
import type { NodeView } from './view.js';

export interface Heard {
  /** When the last valid heartbeat of the peer arrived (ms). */
  at: number;
  view: NodeView;
}

export function aliveNodes(self: string, heard: ReadonlyMap<string, Heard>, now: number, timeoutMs: number): string[] {
  const alive = [self];
  for (const [node, h] of heard) {
    if (node !== self && now - h.at < timeoutMs && h.view.hears.includes(self)) alive.push(node);
  }
  return alive;
}
