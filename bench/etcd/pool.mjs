// Shared by bench/etcd-scale.mjs and bench/backends.mjs (not a benchmark
// itself: bench/run.mjs runs only bench/*.mjs): a real 3-member etcd on
// loopback (TestEtcd), its Prometheus metrics, and pools of simulated nodes,
// each node a real EtcdBackend hosted by a forked process (node-worker.mjs)
// driven over IPC. Everything started is registered for cleanup, which runs
// from the benchmark's finally and on SIGINT/SIGTERM/SIGHUP.
import { TestEtcd } from '@capsule/testenv';
import { execFileSync, fork } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./node-worker.mjs', import.meta.url));
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const cleanups = [];
/** Runs `fn` at cleanup (last registered, first run); returns a function that unregisters it. */
export function onCleanup(fn) {
  cleanups.push(fn);
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
  };
}
export async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch (e) {
      console.error(`cleanup: ${e.message}`);
    }
  }
}
// A crash still cleans up: no etcd or worker left behind.
process.on('uncaughtException', (e) => {
  console.error(`uncaught: ${e.stack ?? e}`);
  void cleanup().finally(() => process.exit(1));
});
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  // A second signal (a terminal's Ctrl-C twice, timeout(1) and a kill) must not end the cleanup half-way.
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1)));
  });
}

const portFree = (port) =>
  new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/** A 3-member etcd on 127.0.0.1, client/peer ports port..port+5, refused if any is taken (a leftover etcd would answer instead). */
export async function startEtcd(port) {
  for (let p = port; p < port + 6; p++) if (!(await portFree(p))) throw new Error(`port ${p} is in use: a leftover etcd? (set BENCH_ETCD_PORT)`);
  const etcd = await TestEtcd.start(3, port);
  const unregister = onCleanup(() => etcd.dispose());
  return { etcd, dispose: async () => (unregister(), await etcd.dispose()) };
}

/** Every member's /metrics: { member: Map("name{labels}" -> value) }. */
export async function scrape(etcd) {
  const out = {};
  for (const m of etcd.members) {
    const text = await fetch(`${m.clientUrl}/metrics`, { signal: AbortSignal.timeout(5000) }).then((r) => r.text());
    const series = new Map();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const i = line.lastIndexOf(' ');
      series.set(line.slice(0, i), Number(line.slice(i + 1)));
    }
    out[m.name] = series;
  }
  return out;
}

/** The sum of `name`'s series (those whose labels contain `label`, if given) on one member, or on all if member is undefined. */
export function metric(scraped, name, { member, label } = {}) {
  let sum = 0;
  for (const [m, series] of Object.entries(scraped)) {
    if (member && m !== member) continue;
    for (const [k, v] of series) if ((k === name || k.startsWith(`${name}{`)) && (!label || k.includes(label))) sum += v;
  }
  return sum;
}

/** The member that leads, from its own metric etcd_server_is_leader. */
export const leaderOf = (scraped) => Object.keys(scraped).find((m) => metric(scraped, 'etcd_server_is_leader', { member: m }) === 1);

/** A forked node-worker (or `worker`, as light-worker.mjs) hosting some nodes; `rpc(cmd, args)` resolves with its answer. */
export class Proc {
  constructor(label, worker = WORKER) {
    this.label = label;
    this.next = 0;
    this.waiting = new Map();
    this.child = fork(worker, [label], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=6144'] });
    this.exited = new Promise((r) => this.child.once('exit', r));
    // A send to a process that just died: its rpc fails through 'exit' below.
    this.child.on('error', () => undefined);
    this.child.on('message', (m) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.error) w.reject(new Error(`${label}: ${m.error}`));
      else w.resolve(m.result);
    });
    this.child.once('exit', (code, sig) => {
      for (const w of this.waiting.values()) w.reject(new Error(`${label} exited (${code ?? sig})`));
      this.waiting.clear();
    });
    this.unregister = onCleanup(() => this.kill('SIGKILL'));
  }
  get pid() {
    return this.child.pid;
  }
  rpc(cmd, args = {}) {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      if (!this.child.connected) return reject(new Error(`${this.label} is gone`));
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, cmd, ...args });
    });
  }
  async kill(sig = 'SIGKILL') {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(sig);
    await this.exited;
    this.unregister();
  }
  /** Closes its backends (no lease revoked, as an agent stop) and waits for it to exit. */
  async close() {
    await Promise.race([this.rpc('close').catch(() => undefined), sleep(10_000)]);
    await Promise.race([this.exited, sleep(5000)]);
    await this.kill('SIGKILL');
  }
}

/**
 * TCP payload bytes of `pid`'s established connections to `ports` (the
 * kernel's tcp_info counters, as `ss -ti` prints them): what the process
 * sent and received, headers of HTTP/2 and gRPC included, TCP/IP's not.
 */
export function tcpBytes(pid, ports) {
  const out = execFileSync('ss', ['-tinpH', 'state', 'established', `( ${ports.map((p) => `dport = :${p}`).join(' or ')} )`], { encoding: 'utf8' });
  let sent = 0;
  let received = 0;
  let mine = false;
  for (const line of out.split('\n')) {
    if (/users:\(/.test(line)) mine = line.includes(`pid=${pid},`);
    if (!mine) continue;
    sent += Number(/bytes_sent:(\d+)/.exec(line)?.[1] ?? 0);
    received += Number(/bytes_received:(\d+)/.exec(line)?.[1] ?? 0);
  }
  return { sent, received };
}

export const nodeName = (i) => `n${String(i).padStart(4, '0')}`;

/** The cluster config every process shares, and each process's init message. */
export function poolConfig({ N, endpoints, prefix, services, ttlMs = 3000 }) {
  const nodes = Array.from({ length: N }, (_, i) => nodeName(i));
  return { cluster: { name: prefix.split('/').filter(Boolean).at(-1), nodes }, endpoints, prefix, services, ttlMs, intervalMs: Math.max(100, Math.round(ttlMs / 3)) };
}

/**
 * N nodes: the first `solo` each in a process of their own (for measuring
 * one node alone, or killing it), the rest spread over `workers` processes.
 */
export async function startPool({ N, workers, solo = [], cfg }) {
  const procs = [];
  const soloProcs = {};
  for (const [i, role] of solo.entries()) {
    const p = new Proc(`${role}(${nodeName(i)})`);
    p.nodes = 1;
    await p.rpc('init', { ...cfg, names: [nodeName(i)], agentLike: role === 'probe' });
    soloProcs[role] = p;
    procs.push(p);
  }
  const rest = Array.from({ length: N - solo.length }, (_, i) => nodeName(i + solo.length));
  const per = Math.ceil(rest.length / workers);
  const workerProcs = [];
  for (let w = 0; w < workers && w * per < rest.length; w++) {
    const p = new Proc(`worker${w}`);
    p.nodes = rest.slice(w * per, (w + 1) * per).length;
    await p.rpc('init', { ...cfg, names: rest.slice(w * per, (w + 1) * per) });
    workerProcs.push(p);
    procs.push(p);
  }
  return { procs, solo: soloProcs, workers: workerProcs };
}

/**
 * Starts every node, all at once or `rate` nodes per second in all (spread
 * over the processes by their share of the nodes); resolves with ms until
 * every node's membership().alive has all N, and the starts' own figures.
 */
export async function joinAll(procs, N, timeoutMs, rate = 0, stallMs = 60_000) {
  const t0 = Date.now();
  let progress = { at: t0, n: -1 };
  let startedMs;
  const starting = Promise.all(procs.map((p) => p.rpc('start', { want: N, rate: rate ? (rate * p.nodes) / N : 0 }))).then((started) => (startedMs = Math.max(...started.map((s) => s.lastStartedAt)) - t0));
  starting.catch(() => undefined);
  let told = t0;
  for (;;) {
    await sleep(500);
    const st = await Promise.all(procs.map((p) => p.rpc('status')));
    if (Date.now() - told >= 15_000) {
      told = Date.now();
      console.log(`    ${((told - t0) / 1000).toFixed(0)} s: ${st.reduce((a, s) => a + s.started, 0)}/${N} started, ${st.reduce((a, s) => a + s.joined, 0)} see all ${N}, ${st.reduce((a, s) => a + s.failedStarts, 0)} failed start(s), event-loop delay p99 up to ${Math.max(...st.map((s) => s.lagMs.p99)).toFixed(0)} ms${st.some((s) => s.failedStarts) ? ` (${[...new Set(st.flatMap((s) => s.startErrors))].slice(0, 4).join(' | ')})` : ''}`);
    }
    if (st.every((s) => s.joined === s.total)) {
      await starting;
      return { joinMs: Math.max(...st.map((s) => s.lastJoinedAt)) - t0, startedMs, failedStarts: st.reduce((a, s) => a + s.failedStarts, 0), errors: [...new Set(st.flatMap((s) => s.startErrors))] };
    }
    const n = st.reduce((a, s) => a + s.started + s.joined, 0);
    if (n > progress.n) progress = { at: Date.now(), n };
    if (Date.now() - t0 > timeoutMs || Date.now() - progress.at > stallMs) {
      throw new Error(`${Date.now() - t0 > timeoutMs ? `not joined after ${timeoutMs} ms` : `join stalled (no node started or complete for ${stallMs / 1000} s) after ${Math.round((Date.now() - t0) / 1000)} s`}: ${st.reduce((a, s) => a + s.started, 0)}/${N} started, ${st.reduce((a, s) => a + s.failedStarts, 0)} failed starts, event-loop delay p99 up to ${Math.max(...st.map((s) => s.lagMs.p99)).toFixed(0)} ms; ${st.map((s, i) => `${procs[i].label} ${s.started} started, ${s.joined}/${s.total} see all (alive seen ${s.minAlive}..${s.maxAlive})`).join(', ')}; start errors: ${[...new Set(st.flatMap((s) => s.startErrors))].join(' | ')}; logs: ${st.flatMap((s) => s.logs).slice(0, 8).join(' | ')}`);
    }
  }
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const fmtBytes = (b) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MiB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${Math.round(b)} B`);

/** A fixed-width table. */
export function table(head, rows) {
  const w = head.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ');
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}
