// A process hosting LIGHT simulated nodes for bench/etcd-light.mjs (forked
// by pool.mjs's Proc, driven over IPC; not a benchmark itself). One Etcd3
// client for the whole process; a node is only what etcd sees of a real
// one (EtcdBackend.grantLease and write): its own lease (TTL 3 s), renewed
// every TTL/3 over the process's one keep-alive stream, and under it
// nodes/NAME {"boot"}, then, in a transaction bound to that presence key,
// views/NAME/svc/SERVICE per service and views/NAME {"frozen":false} last.
// No watch and no membership of its own: real EtcdBackend nodes count these
// as members. A lease etcd says has expired is granted again and the keys
// written again (as regrant()), and counted. Exits when its parent goes.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { servicesOf } from './view.mjs';

// etcd3 is a dependency of @capsule/cluster, not of the root: resolved from there.
const { Etcd3 } = createRequire(fileURLToPath(import.meta.resolve('@capsule/cluster/etcd')))('etcd3');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
process.on('disconnect', () => process.exit(0));
process.on('error', () => undefined);
const reply = (m) => process.connected && process.send(m);

let cfg;
let client;
/** name -> { name, boot, lease, startedAt } */
const nodes = new Map();
const byLease = new Map();
const stats = { renewed: 0, expired: 0, failedJoins: 0, streamErrors: 0 };
const errors = new Set();
const lag = monitorEventLoopDelay({ resolution: 20 });
lag.enable();

/** Lease, presence key, then the view: instances and the node-level key last, as EtcdBackend.write() does. */
async function join(n) {
  for (let attempt = 0; ; attempt++) {
    try {
      const g = await client.leaseClient.leaseGrant({ TTL: cfg.ttlS, ID: 0 });
      const k = (...parts) => cfg.prefix + parts.join('/');
      await client.put(k('nodes', n.name)).value(JSON.stringify({ boot: n.boot })).lease(g.ID).exec();
      const puts = Object.entries(servicesOf(cfg.services)).map(([svc, inst]) => client.put(k('views', n.name, 'svc', svc)).value(JSON.stringify(inst)).lease(g.ID));
      puts.push(client.put(k('views', n.name)).value(JSON.stringify({ frozen: false })).lease(g.ID));
      await client.if(k('nodes', n.name), 'Create', '>', 0).then(...puts).commit();
      byLease.delete(n.lease);
      n.lease = g.ID;
      byLease.set(g.ID, n);
      n.startedAt ??= Date.now();
      return;
    } catch (e) {
      stats.failedJoins++;
      errors.add(e.message.replace(/\d+/g, 'N').slice(0, 120));
      await sleep(Math.min(3000, 200 * 2 ** attempt));
    }
  }
}

/** The process's one keep-alive stream, opened again when it breaks. */
let stream;
function keepAliveStream() {
  stream ??= client.leaseClient.leaseKeepAlive().then((s) => {
    s.on('data', (r) => {
      if (Number(r.TTL) > 0) return void stats.renewed++;
      // Expired at etcd (renewals too late): the node joins again, as a real one regrants.
      stats.expired++;
      const n = byLease.get(r.ID);
      if (n) {
        byLease.delete(r.ID);
        n.lease = undefined;
        void join(n);
      }
    });
    const broken = (e) => {
      stats.streamErrors++;
      if (e) errors.add(`keep-alive stream: ${e.message}`.slice(0, 120));
      stream = undefined;
    };
    s.on('error', broken);
    s.on('end', () => broken());
    return s;
  });
  return stream;
}

/** Every lease renewed once per TTL/3, spread over ten ticks of the period. */
function renewals() {
  const periodMs = (cfg.ttlS * 1000) / 3;
  let tick = 0;
  return setInterval(async () => {
    const slot = tick++ % 10;
    const due = [...nodes.values()].filter((n, i) => n.lease && i % 10 === slot);
    try {
      const s = await keepAliveStream();
      for (const n of due) s.write({ ID: n.lease });
    } catch (e) {
      errors.add(`keep-alive: ${e.message}`.slice(0, 120));
      stream = undefined;
    }
  }, periodMs / 10);
}

const handlers = {
  init(m) {
    cfg = m;
    client = new Etcd3({ hosts: m.endpoints, dialTimeout: 3000 });
    for (const name of m.names) nodes.set(name, { name, boot: randomBytes(8).toString('hex') });
    return { nodes: nodes.size };
  },
  /** Joins every node, `concurrency` at a time; resolves once all have. */
  async start({ concurrency = 32 }) {
    this.timer = renewals();
    const queue = [...nodes.values()];
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (let n; (n = queue.shift()); ) await join(n);
    }));
    return { lastStartedAt: Math.max(...[...nodes.values()].map((n) => n.startedAt)) };
  },
  status() {
    return { total: nodes.size, started: [...nodes.values()].filter((n) => n.startedAt).length, ...stats, errors: [...errors] };
  },
  /** CPU, memory and the renewals answered over `ms`. */
  async measure({ ms }) {
    lag.reset();
    const r0 = stats.renewed;
    const e0 = stats.expired;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(ms);
    const c = process.cpuUsage(c0);
    return { nodes: nodes.size, wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, rss: process.memoryUsage().rss, renewed: stats.renewed - r0, expired: stats.expired - e0, lagP99Ms: lag.percentile(99) / 1e6 };
  },
  close() {
    clearInterval(this.timer);
    client?.close();
    setTimeout(() => process.exit(0), 100);
    return true;
  },
};

process.on('message', async (m) => {
  try {
    reply({ id: m.id, result: await handlers[m.cmd].call(handlers, m) });
  } catch (e) {
    reply({ id: m.id, error: e.message });
  }
});
