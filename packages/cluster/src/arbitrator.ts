// The arbitrator: a tie-breaker every node reaches over TCP. Each node
// tells it "I am alive" every interval and gets back which nodes it heard
// from recently, both ways signed with the cluster secret. quorum() uses
// that list to tell a dead half from a split one.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { connect, createServer, type Server } from 'node:net';
import { z } from 'zod';

const Hello = z.object({ v: z.literal(1), cluster: z.string(), node: z.string().max(64), ts: z.number(), mac: z.string() });
const Answer = z.object({ v: z.literal(1), ts: z.number(), seen: z.record(z.string(), z.number()), mac: z.string() });

const sign = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');
const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const helloText = (cluster: string, node: string, ts: number) => `arb1|${cluster}|${node}|${ts}`;
const answerText = (ts: number, seen: Record<string, number>) => `arb1r|${ts}|${JSON.stringify(Object.entries(seen).sort())}`;

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
  const server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.setTimeout(5000, () => sock.destroy());
    sock.on('error', () => undefined);
    sock.on('data', (d: string) => {
      buf += d;
      if (buf.length > 4096) return void sock.destroy();
      if (!buf.includes('\n')) return;
      const now = Date.now();
      let hello: z.infer<typeof Hello>;
      try {
        hello = Hello.parse(JSON.parse(buf.slice(0, buf.indexOf('\n'))));
      } catch {
        return void sock.destroy();
      }
      const ok = hello.cluster === o.cluster && o.nodes.includes(hello.node) && Math.abs(now - hello.ts) <= (o.windowMs ?? 10_000) && same(hello.mac, sign(o.secret, helloText(hello.cluster, hello.node, hello.ts)));
      if (!ok || hello.ts <= (lastTs.get(hello.node) ?? 0)) return void sock.destroy();
      lastTs.set(hello.node, hello.ts);
      last.set(hello.node, now);
      const seen = Object.fromEntries([...last].map(([n, at]) => [n, now - at]));
      sock.end(JSON.stringify({ v: 1, ts: now, seen, mac: sign(o.secret, answerText(now, seen)) }) + '\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  return server;
}

/** Says hello; resolves with how long ago the arbitrator heard each node (ms), or undefined when it does not answer properly in time. */
export function askArbitrator(o: { host: string; port: number; cluster: string; node: string; secret: string; timeoutMs: number }): Promise<Record<string, number> | undefined> {
  return new Promise((resolve) => {
    const ts = Date.now();
    const sock = connect(o.port, o.host);
    let buf = '';
    const done = (v: Record<string, number> | undefined) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), o.timeoutMs);
    sock.setEncoding('utf8');
    sock.on('error', () => done(undefined));
    sock.on('connect', () => sock.write(JSON.stringify({ v: 1, cluster: o.cluster, node: o.node, ts, mac: sign(o.secret, helloText(o.cluster, o.node, ts)) }) + '\n'));
    sock.on('data', (d: string) => (buf += d));
    sock.on('end', () => {
      try {
        const a = Answer.parse(JSON.parse(buf));
        if (!same(a.mac, sign(o.secret, answerText(a.ts, a.seen)))) return done(undefined);
        done(a.seen);
      } catch {
        done(undefined);
      }
    });
  });
}
