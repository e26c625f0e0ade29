// What the daemon needs from a cluster, whatever carries it: publish this
// node's view, read the members and their views with the quorum verdict,
// and claim a service's placement before starting it. The orchestrator
// reads only what this returns, so a backend on a distributed store (etcd:
// views as keys under a lease, claims as transactions) replaces heartbeats
// without touching it. The heartbeat backend (hb/backend.ts) is the first.
import type { QuorumVerdict } from './quorum.js';
import type { NodeView } from './view.js';

/** A node's view as the daemon publishes it; what it hears of its peers is the backend's to add. */
export type PublishedView = Omit<NodeView, 'up' | 'peers'>;

export interface Membership {
  /** This node's partition, itself included, in the order heard. */
  alive: string[];
  quorum: QuorumVerdict;
  /** The published view of every alive member, this node's included. */
  views: Record<string, NodeView>;
  /** False until the backend has been up long enough to have heard its peers (after a start or a pause): nothing is decided before. */
  ready: boolean;
  /** For each node outside `alive`: how long the whole partition has been without word from it (ms). */
  silentMs: Record<string, number>;
  /** For each node outside `alive`: how long since anyone in the partition had word of it, aged on this node's clock (ms, Infinity: never; membership.ts lastWordMs). */
  lastWordMs: Record<string, number>;
  /** How long a takeover waits after a possible holder fell silent (ms). */
  takeoverMs: number;
  /** The members' views are recent enough to start a service on. */
  settled: boolean;
  /** When this node's quorum lapses if nothing more is heard (monotonic ms, process.hrtime's clock): the watchdog's deadline. */
  leaseUntil: number;
}

export interface PeerState {
  alive: boolean;
  /** Milliseconds since the last word from the peer, null when never heard. */
  lastHeardMs: number | null;
  /** The peer's clock minus this node's, as its last heartbeat said (network delay included). */
  clockOffsetMs?: number;
  /** Why it is not alive. */
  reason?: string;
}

export interface ClusterBackend {
  /** Joins the cluster; `onChange` runs when a member comes, goes or publishes. */
  start(onChange?: () => void): Promise<void>;
  /** Publishes this node's view; called at least once per heartbeat interval, and at once after a change. */
  publish(view: PublishedView): Promise<void>;
  membership(): Membership;
  /**
   * Claims `service` for this node before it is started here. True: go on.
   * False: another node holds it (or this node has no quorum), do not start.
   * `slots`: how many nodes may hold it at once (a flex service's
   * flex_max_nodes; 1, the default, for a failover service).
   */
  claim(service: string, slots?: number): Promise<boolean>;
  /** Gives the claim back once the service is stopped here. */
  release(service: string): Promise<void>;
  peers(): Record<string, PeerState>;
  /** What an operator reads in `nodemgr daemon status`, as the backend knows it (counters, arbitrator). */
  details(): Record<string, unknown>;
  close(): Promise<void>;
}
