// GET /api/v1/events: server-sent events, one per change this node's agent
// sees. Each has a sequence number (`id`, also the SSE id, so a client
// that reconnects with Last-Event-ID gets what it missed while the agent
// still holds it), the time, and a kind with its fields.
import { z } from 'zod';

const Base = { id: z.number().int().nonnegative(), at: z.string() };

export const Event = z.discriminatedUnion('kind', [
  /** A service instance changed on a node (its avail, overall, frozen, target or start-failed state, or its config generation). */
  z.object({ ...Base, kind: z.literal('status'), service: z.string(), node: z.string(), avail: z.string(), overall: z.string(), frozen: z.boolean(), startFailed: z.boolean(), target: z.enum(['started', 'stopped']).optional(), generation: z.number().int().optional() }),
  /** A service instance gone from a node's view (the node lost, the service deleted there). */
  z.object({ ...Base, kind: z.literal('status-gone'), service: z.string(), node: z.string() }),
  z.object({ ...Base, kind: z.literal('node'), node: z.string(), state: z.enum(['lost', 'back']), reason: z.string().optional() }),
  z.object({ ...Base, kind: z.literal('quorum'), quorum: z.boolean(), reason: z.string() }),
  /** The orchestrator decided to start, stop or fence, and why. */
  z.object({ ...Base, kind: z.literal('decision'), service: z.string(), action: z.string(), reason: z.string() }),
  /** An action run by this agent (the daemon's own, or asked through the API): begun, then ended with its exit code. */
  z.object({ ...Base, kind: z.literal('action'), action_id: z.string(), service: z.string(), action: z.string(), phase: z.enum(['begin', 'end']), by: z.string(), code: z.number().int().optional(), error: z.string().optional() }),
  /** A service's config changed on this node (a new generation or checksum). */
  z.object({ ...Base, kind: z.literal('config'), service: z.string(), generation: z.number().int(), csum: z.string() }),
]);
export type Event = z.infer<typeof Event>;

/** An event before the bus numbers and dates it. */
export type EventInput = Event extends infer E ? (E extends Event ? Omit<E, 'id' | 'at'> : never) : never;

/** One event as an SSE frame: its id, its kind as the SSE event name, its JSON as data. */
export function sseFrame(e: Event): string {
  return `id: ${e.id}\nevent: ${e.kind}\ndata: ${JSON.stringify(e)}\n\n`;
}

