// The arbitrator: a tie-breaker every node reaches over TCP. Each node
// tells it "I am alive" every interval and gets back which nodes it heard
// from recently, both ways signed with the cluster secret. quorum() uses
// that list to tell a dead half from a split one.
//
// Protocol v2. The hello carries a fresh random nonce; the answer echoes it
// and the node it is for, and its MAC covers both with the arbitrator's ts
// and the seen map. v1 signed the answer over ts and seen only, so a relay
// on the path, without the secret, could record one answer and hand it back
// later to both halves of a split: each would believe the arbitrator heard
// none of the others and take quorum. A recorded answer now names a nonce
// no later hello carries. The node also times the exchange on its own
// monotonic clock, so an answer held back past the timeout is refused
// whatever ts it carries (the two clocks are never compared). v1 is refused
// both ways: its answers are the replayable ones.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { connect, type Server } from 'node:net';
import { lineServer } from './line-server.js';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';

const Nonce = z.string().regex(/^[0-9a-f]{32}$/);
const Hello = z.object({ v: z.literal(2), cluster: z.string(), node: z.string().max(64), ts: z.number(), nonce: Nonce, mac: z.string() });
const Answer = z.object({ v: z.literal(2), nonce: Nonce, node: z.string().max(64), ts: z.number(), seen: z.record(z.string(), z.number()), mac: z.string() });
type Hello = z.infer<typeof Hello>;
type Answer = z.infer<typeof Answer>;

const sign = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');
const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const helloText = (h: Omit<Hello, 'v' | 'mac'>) => `arb2|${h.cluster}|${h.node}|${h.ts}|${h.nonce}`;
const answerText = (a: Omit<Answer, 'v' | 'mac'>) => `arb2r|${a.nonce}|${a.node}|${a.ts}|${JSON.stringify(Object.entries(a.seen).sort())}`;

/** The answer line to a hello: exported for tests that play an arbitrator holding the secret. */
export function signedAnswer(secret: string, a: Omit<Answer, 'v' | 'mac'>): string {
  return JSON.stringify({ v: 2, ...a, mac: sign(secret, answerText(a)) }) + '\n';
}

export interface ArbitratorServerOptions {
  host: string;
  port: number;
  cluster: string;
  nodes: readonly string[];
  secret: string;
  /** Messages further than this from the arbitrator's clock are refused (ms). */
  windowMs?: number;
}

/** Serves until closed; `seen` ages are ms since each node's last valid hello. */
export async function arbitratorServer(o: ArbitratorServerOptions): Promise<Server> {
  const last = new Map<string, number>();
  // A hello is accepted once: a capture replayed inside the window would make a dead node look alive.
  const lastTs = new Map<string, number>();
  return lineServer(o.host, o.port, (line) => {
    const now = Date.now();
    const hello = Hello.parse(JSON.parse(line));
    const ok = hello.cluster === o.cluster && o.nodes.includes(hello.node) && Math.abs(now - hello.ts) <= (o.windowMs ?? 10_000) && same(hello.mac, sign(o.secret, helloText(hello)));
    if (!ok || hello.ts <= (lastTs.get(hello.node) ?? 0)) return undefined;
    lastTs.set(hello.node, hello.ts);
    last.set(hello.node, now);
    const seen = Object.fromEntries([...last].map(([n, at]) => [n, now - at]));
    return signedAnswer(o.secret, { nonce: hello.nonce, node: hello.node, ts: now, seen });
  });
}

/** The seen map of an answer to this very hello (its nonce, its node, a good MAC); undefined for anything else. */
function readAnswer(text: string, asked: { nonce: string; node: string; secret: string }): Answer['seen'] | undefined {
  let a: Answer;
  try {
    a = Answer.parse(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (a.nonce !== asked.nonce || a.node !== asked.node) return undefined;
  return same(a.mac, sign(asked.secret, answerText(a))) ? a.seen : undefined;
}

/** Says hello; resolves with how long ago the arbitrator heard each node (ms), or undefined when it does not answer this hello properly within `timeoutMs`. */
export function askArbitrator(o: { host: string; port: number; cluster: string; node: string; secret: string; timeoutMs: number }): Promise<Record<string, number> | undefined> {
  return new Promise((resolve) => {
    const hello = { cluster: o.cluster, node: o.node, ts: Date.now(), nonce: randomBytes(16).toString('hex') };
    const sock = connect(o.port, o.host);
    let buf = '';
    let sentAt: number | undefined;
    const done = (v: Record<string, number> | undefined) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), o.timeoutMs);
    sock.setEncoding('utf8');
    sock.on('error', () => done(undefined));
    sock.on('connect', () => {
      sentAt = performance.now();
      sock.write(JSON.stringify({ v: 2, ...hello, mac: sign(o.secret, helloText(hello)) }) + '\n');
    });
    sock.on('data', (d: string) => {
      buf += d;
      if (buf.length > 65536) done(undefined);
    });
    sock.on('end', () => {
      // The timer may not have run yet after a stalled event loop: the clock decides, not the timer.
      if (sentAt === undefined || performance.now() - sentAt > o.timeoutMs) return done(undefined);
      const seen = readAnswer(buf, { nonce: hello.nonce, node: o.node, secret: o.secret });
      done(seen);
    });
  });
}
