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
  /** The start failed here: the orchestrator places the service elsewhere until a start succeeds. */
  startFailed: z.boolean().default(false),
  /** sha256 of the service file and its mtime (ms), to find the newest config. */
  csum: z.string().max(128),
  mtime: z.number(),
  /** The config generation (every accepted edit increments it): replication compares these, not clocks. */
  generation: z.number().int().nonnegative().default(0),
  /** A switch or migration to this node is under way: no orchestrator touches the service meanwhile. */
  moving: z.string().max(64).optional(),
});
export type InstanceView = z.infer<typeof InstanceView>;

export const NodeView = z.object({
  frozen: z.boolean(),
  /** Peers this node hears: membership counts a peer only when hearing is mutual. */
  hears: z.array(z.string().max(64)).max(256),
  services: z.record(z.string().max(64), InstanceView),
});
export type NodeView = z.infer<typeof NodeView>;
