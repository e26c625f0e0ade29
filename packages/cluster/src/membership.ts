// Who is in this node's partition, measured on this node's own clock only.
// A peer is alive when its last valid heartbeat arrived within the timeout
// *and* it echoes one of this node's heartbeats sent within the timeout: the
// echo proves, without comparing clocks, that this node's recent heartbeats
// reach it. A one-way failure (this node's heartbeats lost, its peers' still
// arriving) isolates the node, which then acts as a minority instead of
// keeping a service its peers restart. A heartbeat that sat in a socket
// buffer while this process was paused echoes an old heartbeat of ours, so
// it cannot make a peer look alive after a pause. docs/architecture.md,
// "Starting is safe by construction", proves the start rule built on this.
import type { NodeView } from './view.js';

export interface Heard {
  /** When the last valid heartbeat of the peer arrived (this node's monotonic ms). */
  at: number;
  /** Its sequence number, which this node's view echoes back to the peer. */
  seq: number;
  view: NodeView;
  /**
   * When this node sent the latest heartbeat of its own that the peer has
   * echoed, in any message (its own clock). Kept across the peer's
   * messages: a restarted peer's first heartbeat, which echoes nothing yet,
   * does not revoke the proof that it heard this node.
   */
  echo?: number;
  /** Its services are still being fetched (a view too large for a datagram): `view.services` is the previous ones. */
  pending?: boolean;
}

/** When this node sent its heartbeat numbered `seq` (its own clock), undefined once forgotten. */
export type SentAt = (seq: number) => number | undefined;

/** Own properties only: a node or service named `constructor` is a name, not Object's prototype. */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A peer's heartbeat just arrived: what to remember of it, the latest echo of ours it ever carried included. */
export function heardNow(self: string, previous: Heard | undefined, at: number, seq: number, view: NodeView, sentAt: SentAt): Heard {
  const e = own(view.peers, self);
  const sent = e ? sentAt(e[1]) : undefined;
  const echo = Math.max(sent ?? -Infinity, previous?.echo ?? -Infinity);
  return { at, seq, view, ...(echo > -Infinity ? { echo } : {}) };
}

export function aliveNodes(self: string, heard: ReadonlyMap<string, Heard>, now: number, timeoutMs: number): string[] {
  const alive = [self];
  for (const [node, h] of heard) {
    if (node !== self && now - h.at < timeoutMs && h.echo !== undefined && now - h.echo < timeoutMs) alive.push(node);
  }
  return alive;
}

/** Why a peer is not alive, for the log line that says it was lost. */
export function lostReason(h: Heard | undefined, now: number, timeoutMs: number): string {
  if (!h) return 'never heard';
  if (now - h.at >= timeoutMs) return `no heartbeat for ${((now - h.at) / 1000).toFixed(1)} s`;
  return h.echo === undefined ? 'it does not hear this node' : `its heartbeats arrive, but it has not heard this node for ${((now - h.echo) / 1000).toFixed(1)} s`;
}

/**
 * How long every member of this partition has been without word from
 * `node`, in ms: the smallest silence any member reports, this node's
 * included. A member that never heard it reports its own uptime; reported
 * ages are taken as they were sent, never aged further (the member may
 * have heard the node since). The arbitrator, when it answered, counts as
 * a member: a half's quorum may rest on it rather than on members, and the
 * node in the other half renews its own quorum there.
 */
export function silentFor(node: string, alive: readonly string[], views: Readonly<Record<string, NodeView>>, self: string, selfSilentMs: number, arbitratorSilentMs?: number): number {
  let min = Math.min(selfSilentMs, arbitratorSilentMs ?? Infinity);
  for (const m of alive) {
    if (m === self) continue;
    const v = own(views, m);
    if (!v) return 0;
    min = Math.min(min, own(v.peers, node)?.[0] ?? v.up);
  }
  return min;
}

/**
 * How long ago (ms, this node's clock) anyone in the partition last had
 * word of `node`: this node's last heartbeat from it, or a member's report
 * of its own, aged by the time since that member's view arrived; Infinity
 * when nobody ever heard it. Unlike silentFor, which takes reports as sent
 * (shorter: the start rule's wait must not be cut short), this is the best
 * estimate, and never longer than the truth (a view slow to arrive only
 * makes it shorter). A node is lost to the partition when it passes the
 * timeout, and a fence is void once it is shorter than the time since the
 * fence (stonith.ts).
 */
export function lastWordMs(node: string, alive: readonly string[], heard: ReadonlyMap<string, Heard>, self: string, now: number): number {
  let ago = now - (heard.get(node)?.at ?? -Infinity);
  for (const m of alive) {
    const h = m === self ? undefined : heard.get(m);
    const reported = h ? own(h.view.peers, node)?.[0] : undefined;
    if (h && reported !== undefined) ago = Math.min(ago, now - h.at + reported);
  }
  return ago;
}

/**
 * Whether the arbitrator's word on silences counts for a start (silentFor):
 * only when this partition is a half that holds quorum through it. A node
 * of the other half can then have held quorum through the arbitrator too,
 * unless this half holds the first node and has been heard by the
 * arbitrator without a gap for the whole takeover delay (then every answer
 * the other half got named this half, so it had no quorum).
 */
export function arbitratorCounts(tieBreak: 'alone' | 'first-node' | undefined, arbitratorSteadyMs: number, takeoverMs: number): boolean {
  return tieBreak === 'alone' || (tieBreak === 'first-node' && arbitratorSteadyMs < takeoverMs);
}

/**
 * How long a takeover waits after the partition last heard the previous
 * holder: the holder's quorum lapses at most one `timeout` after the last
 * heartbeat of its that a member received, its fence (the agent's stop or
 * the watchdog's) starts within a decision tick and ends within
 * `fenceMs`, and a member's report may be `2 * interval` old when the
 * takeover decides (the proof in docs/architecture.md).
 */
export function takeoverDelayMs(t: { intervalMs: number; timeoutMs: number; fenceMs: number; tickMs: number }): number {
  return t.timeoutMs + Math.max(2 * t.intervalMs, t.fenceMs) + 2 * t.tickMs;
}

/**
 * When the quorum this node has now lapses if no further heartbeat
 * arrives: a majority lasts until the echo of the member that completes
 * it is `timeout` old; a half granted by the arbitrator also needs its
 * answer younger than `timeout`. `echoes`: the members' echo times, this
 * node excluded. The watchdog is armed with this deadline.
 */
export function quorumLease(o: { clusterSize: number; echoes: readonly number[]; timeoutMs: number; arbitratorAt?: number }): number {
  if (o.clusterSize <= 1) return Infinity;
  const sorted = [...o.echoes].sort((a, b) => b - a);
  const majority = Math.floor(o.clusterSize / 2) + 1;
  if (sorted.length + 1 >= majority) return sorted[majority - 2]! + o.timeoutMs;
  // Exactly half: the arbitrator's answer is part of the lease.
  const half = o.clusterSize / 2;
  if (o.arbitratorAt === undefined || sorted.length + 1 < half) return -Infinity;
  const members = half >= 2 ? sorted[half - 2]! + o.timeoutMs : Infinity;
  return Math.min(members, o.arbitratorAt + o.timeoutMs);
}
