// Views too large for a datagram. A heartbeat stays under MAX_DATAGRAM
// bytes, so that it is never fragmented (one lost fragment loses the whole
// datagram): when a node's services do not fit, its heartbeat carries their
// sha256 instead, and a peer that does not hold those services yet fetches
// them over TCP from the sender (the heartbeat port, the node's heartbeat
// address). The digest came in a signed heartbeat, so an answer whose
// sha256 matches it is authentic; the request is signed with the cluster
// secret, so only members learn a node's services.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { connect, type Server } from 'node:net';
import { lineServer } from '../line-server.js';
import { z } from 'zod';
import { InstanceView } from '../view.js';

/** Under the path MTU of an Ethernet link (1500) less IP, UDP and tunnel headers. */
export const MAX_DATAGRAM = 1400;
/** A view of 2,000 services of 200-character names is about 700 KB. */
const MAX_BODY = 32 << 20;

export const Services = z.record(z.string().max(255), InstanceView);
export type Services = z.infer<typeof Services>;

export const digestOf = (body: string): string => createHash('sha256').update(body).digest('hex');

const requestText = (cluster: string, node: string, digest: string, ts: number) => `view1|${cluster}|${node}|${digest}|${ts}`;
const sign = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');

/** What this node serves: the last few bodies it announced, by digest (a peer may ask for one just replaced). */
export class ViewStore {
  private readonly bodies = new Map<string, string>();

  /** The digest of `services` as served; the body is kept until two newer ones replace it. */
  put(services: Services): string {
    const body = JSON.stringify(services);
    const digest = digestOf(body);
    this.bodies.delete(digest);
    this.bodies.set(digest, body);
    while (this.bodies.size > 3) this.bodies.delete(this.bodies.keys().next().value!);
    return digest;
  }

  get(digest: string): string | undefined {
    return this.bodies.get(digest);
  }
}

export interface ViewServerOptions {
  host: string;
  port: number;
  cluster: string;
  nodes: readonly string[];
  secret: string;
  store: ViewStore;
}

/** Serves this node's large views to members asking with a signed request. */
export async function viewServer(o: ViewServerOptions): Promise<Server> {
  return lineServer(o.host, o.port, (line) => {
    const r = JSON.parse(line) as { node?: unknown; digest?: unknown; ts?: unknown; mac?: unknown };
    const ok =
      typeof r.node === 'string' &&
      o.nodes.includes(r.node) &&
      typeof r.digest === 'string' &&
      typeof r.ts === 'number' &&
      Math.abs(Date.now() - r.ts) < 60_000 &&
      typeof r.mac === 'string' &&
      r.mac.length === 64 &&
      timingSafeEqual(Buffer.from(r.mac), Buffer.from(sign(o.secret, requestText(o.cluster, r.node, r.digest, r.ts))));
    // A digest this node no longer serves is an empty answer: the asker tries again on the next heartbeat.
    return ok ? (o.store.get(r.digest as string) ?? '') : undefined;
  });
}

/** Fetches `digest` from `host`; undefined when the answer is missing, too large, late, or does not match the digest. */
export function fetchView(o: { host: string; port: number; cluster: string; node: string; secret: string; digest: string; timeoutMs: number }): Promise<Services | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const sock = connect(o.port, o.host);
    const done = (v: Services | undefined) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), o.timeoutMs);
    sock.on('error', () => done(undefined));
    sock.on('connect', () => {
      const ts = Date.now();
      sock.write(JSON.stringify({ node: o.node, digest: o.digest, ts, mac: sign(o.secret, requestText(o.cluster, o.node, o.digest, ts)) }) + '\n');
    });
    sock.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_BODY) return done(undefined);
      chunks.push(d);
    });
    sock.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (digestOf(body) !== o.digest) return done(undefined);
      try {
        const r = Services.safeParse(JSON.parse(body));
        done(r.success ? r.data : undefined);
      } catch {
        done(undefined);
      }
    });
  });
}
