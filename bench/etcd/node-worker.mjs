// A process hosting simulated nodes for the etcd benchmarks (forked by
// pool.mjs, driven over IPC; not a benchmark itself). Each node is a real
// EtcdBackend with its own clients and lease, used as the agent uses it:
// start(), publish its view at once and every interval (TTL/3); a node that
// fails to start is made again after 1 s, doubling to 30 s (jittered), as
// a supervisor with a backoff restarts a dead agent. `agentLike` also reads
// membership() every 100 ms, as the agent's decide() does. Exits when its
// parent goes.
import { EtcdBackend } from '@capsule/cluster/etcd';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { instance, viewOf } from './view.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
process.on('disconnect', () => process.exit(0));
// The parent gone while an answer is sent: 'disconnect' ends this process.
process.on('error', () => undefined);
const reply = (m) => process.connected && process.send(m);

let cfg;
/** name -> { name, b, view, timer, decide, startedAt, joinedAt, inflight, paused } */
const nodes = new Map();
const startErrors = new Set();
let failedStarts = 0;
const logs = new Map();
const pub = { n: 0, ms: 0, max: 0 };
/** This process's event-loop delay: how late its timers and answers run (the simulated nodes share one loop). */
const lag = monitorEventLoopDelay({ resolution: 20 });
lag.enable();
const dec = { n: 0, ms: 0, max: 0 };

function log(line) {
  const k = line.replace(/\d+(\.\d+)?/g, 'N').slice(0, 200);
  logs.set(k, (logs.get(k) ?? 0) + 1);
}

async function publish(s) {
  if (s.paused || s.inflight) return;
  const t = performance.now();
  s.inflight = s.b.publish(s.view);
  await s.inflight;
  s.inflight = undefined;
  const ms = performance.now() - t;
  pub.n++;
  pub.ms += ms;
  pub.max = Math.max(pub.max, ms);
}

/** Bench instrumentation only: errors of the backend's unary etcd calls name the call (KV.Range, Lease.LeaseGrant...). */
function tagErrors(b) {
  const pool = b.client?.pool;
  if (!pool?.exec) return;
  const exec = pool.exec.bind(pool);
  pool.exec = (service, method, ...rest) =>
    exec(service, method, ...rest).catch((e) => {
      e.message = `${service}.${method}: ${e.message}`;
      throw e;
    });
}

async function startNode(s) {
  for (let attempt = 0; ; attempt++) {
    s.b = new EtcdBackend(cfg.cluster, s.name, { endpoints: cfg.endpoints, prefix: cfg.prefix, ttlMs: cfg.ttlMs, log });
    tagErrors(s.b);
    try {
      await s.b.start();
      break;
    } catch (e) {
      failedStarts++;
      startErrors.add(e.message.replace(/\d+/g, 'N').replace(/ after N\.Ns.*/, '').slice(0, 120));
      await s.b.close();
      // Started again as a supervisor with a backoff would: 1 s, doubling to 30 s, jittered.
      await sleep(Math.min(30_000, 1000 * 2 ** attempt) * (0.5 + Math.random()));
    }
  }
  s.startedAt = Date.now();
  await publish(s);
  s.timer = setInterval(() => void publish(s), cfg.intervalMs);
  if (cfg.agentLike) {
    s.decide = setInterval(() => {
      const t = performance.now();
      s.b.membership();
      const ms = performance.now() - t;
      dec.n++;
      dec.ms += ms;
      dec.max = Math.max(dec.max, ms);
    }, 100);
  }
}

/**
 * Marks the nodes that see all `want` nodes alive. peers() (linear in N)
 * screens them; membership() (whose lost-node loop is quadratic in N when
 * all are alive) confirms once per node. A node once complete is not asked again.
 */
function checkJoined(want) {
  let min = Infinity;
  let max = 0;
  // None can see all while some of this process's own have not started: nothing asked meanwhile.
  if ([...nodes.values()].some((s) => !s.startedAt)) return { min: 0, max: 0 };
  for (const s of nodes.values()) {
    if (s.joinedAt || !s.startedAt) continue;
    const n = 1 + Object.values(s.b.peers()).filter((p) => p.alive).length;
    min = Math.min(min, n);
    max = Math.max(max, n);
    if (n >= want && s.b.membership().alive.length >= want) s.joinedAt = Date.now();
  }
  return { min, max };
}

const handlers = {
  init(m) {
    cfg = m;
    for (const name of m.names) nodes.set(name, { name, view: viewOf(m.services) });
    return { nodes: nodes.size };
  },
  /** Starts every node of this process, all at once, or `rate` per second (0: all at once). */
  async start({ want, rate = 0 }) {
    let seen = { min: 0, max: 0 };
    const poll = setInterval(() => (seen = checkJoined(want)), 500);
    this.poll = { timer: poll, seen: () => seen };
    await Promise.all([...nodes.values()].map(async (s, i) => (rate ? await sleep((i * 1000) / rate) : undefined, await startNode(s))));
    return { lastStartedAt: Math.max(...[...nodes.values()].map((s) => s.startedAt)) };
  },
  status() {
    const all = [...nodes.values()];
    const joined = all.filter((s) => s.joinedAt);
    if (joined.length === all.length && this.poll) clearInterval(this.poll.timer);
    const seen = this.poll?.seen() ?? { min: 0, max: 0 };
    const lagMs = { p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 };
    lag.reset();
    return { lagMs, total: all.length, started: all.filter((s) => s.startedAt).length, joined: joined.length, lastJoinedAt: Math.max(0, ...joined.map((s) => s.joinedAt)), failedStarts, startErrors: [...startErrors], minAlive: seen.min, maxAlive: seen.max, logs: [...logs].map(([k, n]) => `${n}x ${k}`) };
  },
  /** CPU, memory and the publish/decide timings of this process over `ms`. */
  async measure({ ms }) {
    for (const x of [pub, dec]) Object.assign(x, { n: 0, ms: 0, max: 0 });
    lag.reset();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(ms);
    const c = process.cpuUsage(c0);
    const wall = performance.now() - t0;
    return { lagMs: { p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 }, nodes: nodes.size, wallMs: wall, cpuUserMs: c.user / 1000, cpuSysMs: c.system / 1000, rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed, publish: { ...pub }, decide: { ...dec } };
  },
  /** Whether `node` sees `of` alive. */
  sees({ node, of }) {
    return nodes.get(node).b.membership().alive.includes(of);
  },
  claim({ node, svc }) {
    return nodes.get(node).b.claim(svc);
  },
  /**
   * As the agent's decide() every 100 ms: once `holder` is out of `node`'s
   * membership, claim `svc` until it succeeds. Times in ms since the epoch.
   */
  takeover({ node, svc, holder, timeoutMs = 60_000 }) {
    const s = nodes.get(node);
    const t0 = Date.now();
    let lostAt;
    let tries = 0;
    let busy = false;
    return new Promise((resolve, reject) => {
      const t = setInterval(async () => {
        if (busy) return;
        busy = true;
        try {
          if (Date.now() - t0 > timeoutMs) throw new Error(`no takeover of ${svc} within ${timeoutMs} ms (holder lost: ${lostAt !== undefined})`);
          if (lostAt === undefined && !s.b.membership().alive.includes(holder)) lostAt = Date.now();
          if (lostAt !== undefined) {
            tries++;
            if (await s.b.claim(svc)) {
              clearInterval(t);
              resolve({ lostAt, claimedAt: Date.now(), tries });
            }
          }
        } catch (e) {
          clearInterval(t);
          reject(e);
        } finally {
          busy = false;
        }
      }, 100);
    });
  },
  /** A view of `count` services on `node`: the first full publish, an unchanged one, one with a service changed (ms each). */
  async bigView({ node, count }) {
    const s = nodes.get(node);
    s.paused = true;
    while (s.inflight) await s.inflight;
    const rss0 = process.memoryUsage().rss;
    const lines0 = logs.size;
    const big = viewOf(count);
    let t = performance.now();
    await s.b.publish(big);
    const firstMs = performance.now() - t;
    t = performance.now();
    await s.b.publish(big);
    const unchangedMs = performance.now() - t;
    const changed = { ...big, services: { ...big.services, 'service-7': instance(7, 2) } };
    t = performance.now();
    await s.b.publish(changed);
    const oneChangedMs = performance.now() - t;
    s.view = changed;
    s.paused = false;
    const c0 = process.cpuUsage();
    await sleep(5000);
    const c = process.cpuUsage(c0);
    return { firstMs, unchangedMs, oneChangedMs, rssBefore: rss0, rss: process.memoryUsage().rss, cpuPerS: (c.user + c.system) / 1000 / 5, newLogs: [...logs.keys()].slice(lines0), bytes: Buffer.byteLength(JSON.stringify(big.services)) };
  },
  /** ms until `node` sees `count` services in `of`'s view. */
  async seesServices({ node, of, count, since, timeoutMs = 120_000 }) {
    const s = nodes.get(node);
    for (;;) {
      if (Object.keys(s.b.membership().views[of]?.services ?? {}).length >= count) return Date.now() - since;
      if (Date.now() - since > timeoutMs) throw new Error(`${node} does not see ${count} services of ${of}`);
      await sleep(50);
    }
  },
  /** Changes one service of `per` nodes in every round of `everyMs` (a churn), until asked again with per 0. */
  churn({ per, everyMs = 1000 }) {
    clearInterval(this.churnTimer);
    if (!per) return true;
    let gen = 2;
    const all = [...nodes.values()];
    let k = 0;
    this.churnTimer = setInterval(() => {
      for (let i = 0; i < per; i++) {
        const s = all[k++ % all.length];
        s.view = { ...s.view, services: { ...s.view.services, 'service-0': instance(0, gen++) } };
        void publish(s);
      }
    }, everyMs);
    return true;
  },
  async close() {
    clearInterval(this.churnTimer);
    for (const s of nodes.values()) {
      clearInterval(s.timer);
      clearInterval(s.decide);
    }
    await Promise.all([...nodes.values()].map((s) => s.b?.close()));
    setTimeout(() => process.exit(0), 100);
    return true;
  },
};

process.on('message', async (m) => {
  try {
    const result = await handlers[m.cmd].call(handlers, m);
    reply({ id: m.id, result });
  } catch (e) {
    reply({ id: m.id, error: e.message });
  }
});
