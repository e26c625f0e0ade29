// What a node tells its peers in every heartbeat: its own state and that of
// each service instance it holds. Validated on receipt: a peer's view is
// data from the network, never trusted by shape.
import { z } from 'zod';

/** An instance's availability; `starting` and `stopping` count as held, so no peer starts it meanwhile. */
export const Avail = z.enum(['up', 'down', 'warn', 'starting', 'stopping', 'n/a', 'undef']);
export type Avail = z.infer<typeof Avail>;

export const InstanceView = z.object({
  avail: Avail,
  overall: z.string().max(32),
  frozen: z.boolean(),
  /** The start failed here: the orchestrator places the service elsewhere until the backoff ends, a start succeeds, or `svcmgr clear`. */
  startFailed: z.boolean().default(false),
  /** While start-failed: when this node will be eligible again (ms from the view's sending). */
  retryInMs: z.number().nonnegative().optional(),
  /** sha256 of the service file and its mtime (ms), to find the newest config. */
  csum: z.string().max(128),
  mtime: z.number(),
  /** The config generation (every accepted edit increments it): replication compares these, not clocks. */
  generation: z.number().int().nonnegative().default(0),
  /** Diverged copies of the config another copy superseded here (kept, shown by print status): an administrator's to look at. */
  kept: z.number().int().nonnegative().optional(),
  /** A switch or migration to this node is under way: no orchestrator touches the service meanwhile. */
  moving: z.string().max(64).optional(),
  /** The administrator's target for the service (target.ts) as this node knows it: the newest wins cluster-wide. */
  target: z.enum(['started', 'stopped']).optional(),
  targetGen: z.number().int().nonnegative().optional(),
  targetBy: z.string().max(255).optional(),
  targetAt: z.string().max(40).optional(),
});
export type InstanceView = z.infer<typeof InstanceView>;

/** Node and service names as svcmgr accepts them (a service name may take 200 characters). */
const Name = z.string().max(255);

/**
 * What this node heard of one peer: `[ageMs, echo]`, the age of the last
 * valid heartbeat from it (this node's monotonic clock) and that heartbeat's
 * sequence number. The echo is how a peer proves to a node, on the node's
 * own clock, that its recent heartbeats arrive (membership.ts).
 */
export const PeerHeard = z.tuple([z.number().nonnegative(), z.number().int().nonnegative()]);
export type PeerHeard = z.infer<typeof PeerHeard>;

export const NodeView = z.object({
  frozen: z.boolean(),
  /** Milliseconds since this node's agent began to listen: a peer it never heard has been silent at least that long. */
  up: z.number().nonnegative(),
  /** Every peer this node has heard since it began to listen. */
  peers: z.record(Name, PeerHeard),
  services: z.record(Name, InstanceView),
});
export type NodeView = z.infer<typeof NodeView>;
