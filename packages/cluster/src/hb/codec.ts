// Heartbeat datagrams: "CHB1", an HMAC-SHA256 of the rest under the cluster
// secret, then the JSON message. A receiver checks the MAC before parsing,
// then the cluster, the sender, the time window and the sequence: anything
// that fails is dropped and counted, never trusted.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { NodeView } from '../view.js';

const MAGIC = Buffer.from('CHB1');
const MAC_BYTES = 32;

export const HeartbeatMessage = z.object({
  cluster: z.string(),
  node: z.string().max(64),
  /** Random per daemon start: sequences restart with it (from a random number, so that an echo of an old boot's heartbeat matches nothing). */
  boot: z.string().max(32),
  seq: z.number().int().nonnegative(),
  /** Sender's clock, ms. */
  ts: z.number(),
  view: NodeView,
  /** Set when the services did not fit: their sha256, to fetch over TCP (viewfetch.ts); `view.services` is then empty. */
  digest: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type HeartbeatMessage = z.infer<typeof HeartbeatMessage>;

export function encodeHeartbeat(m: HeartbeatMessage, secret: string): Buffer {
  const body = Buffer.from(JSON.stringify(m));
  const mac = createHmac('sha256', secret).update(body).digest();
  return Buffer.concat([MAGIC, mac, body]);
}

/** `duplicate`: the same datagram again, as every link but the first delivers it; not an attack, counted apart. */
export type RejectReason = 'malformed' | 'badMac' | 'otherCluster' | 'unknownNode' | 'stale' | 'replay' | 'duplicate';

export interface HeartbeatCounters {
  sent: number;
  sendErrors: number;
  received: number;
  accepted: number;
  rejected: Record<RejectReason, number>;
}

export function newCounters(): HeartbeatCounters {
  return { sent: 0, sendErrors: 0, received: 0, accepted: 0, rejected: { malformed: 0, badMac: 0, otherCluster: 0, unknownNode: 0, stale: 0, replay: 0, duplicate: 0 } };
}

export interface DecodeContext {
  secret: string;
  cluster: string;
  nodes: readonly string[];
  self: string;
  now: number;
  /** A message older or newer than this (ms) is stale: replays of old captures fail here. */
  windowMs: number;
}

/**
 * Remembers the last accepted (boot, seq, ts) of each sender: a replay inside
 * the window fails here. The last few accepted (boot, seq) of each sender are
 * kept too: the copy a second link delivers is a duplicate, even when a
 * datagram of another boot came in between.
 */
export class ReplayGuard {
  private readonly last = new Map<string, { boot: string; seq: number; ts: number }>();
  private readonly recent = new Map<string, string[]>();

  accept(m: HeartbeatMessage): true | 'replay' | 'duplicate' {
    const l = this.last.get(m.node);
    const id = `${m.boot}:${m.seq}`;
    const recent = this.recent.get(m.node) ?? [];
    if (recent.includes(id)) return 'duplicate';
    // A restarted sender has a new boot id; its messages must still be newer than the last accepted one.
    if (l && (m.boot === l.boot ? m.seq < l.seq : m.ts <= l.ts)) return 'replay';
    this.last.set(m.node, { boot: m.boot, seq: m.seq, ts: m.ts });
    this.recent.set(m.node, [...recent.slice(-7), id]);
    return true;
  }
}

export function decodeHeartbeat(buf: Buffer, c: DecodeContext, guard: ReplayGuard): HeartbeatMessage | RejectReason {
  if (buf.length <= MAGIC.length + MAC_BYTES || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return 'malformed';
  const mac = buf.subarray(MAGIC.length, MAGIC.length + MAC_BYTES);
  const body = buf.subarray(MAGIC.length + MAC_BYTES);
  if (!timingSafeEqual(mac, createHmac('sha256', c.secret).update(body).digest())) return 'badMac';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'malformed';
  }
  const r = HeartbeatMessage.safeParse(parsed);
  if (!r.success) return 'malformed';
  const m = r.data;
  if (m.cluster !== c.cluster) return 'otherCluster';
  if (m.node === c.self || !c.nodes.includes(m.node)) return 'unknownNode';
  if (Math.abs(c.now - m.ts) > c.windowMs) return 'stale';
  const verdict = guard.accept(m);
  return verdict === true ? m : verdict;
}
