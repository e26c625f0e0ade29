// The agent's HTTP API (issue 25), measured on real agents (the built dist).
// 1. GET /api/v1/cluster with 200 services on 3 nodes: a TestCluster of 3
//    nodes in network namespaces (heartbeats 1 s / 3 s), each with the same
//    200 app services (orchestrate = no, so no daemon acts on them; each
//    app's status is a test of a file, one in three up, so the placement is
//    spread); once every agent sees 3 nodes alive and every service on all
//    3, latency of sequential requests on the first node's Unix socket
//    (keep-alive, root: no token), then 10 concurrent clients; the other
//    routes timed too; each agent's VmRSS and CPU over the run.
// 2. and 3. One node on loopback (20 such services): the agent's VmRSS
//    settled (10 s, then 10 samples 1 s apart, median) without [listener],
//    then with [listener] HTTPS (EC certificate, tokens file), twice each in
//    turn; then 50 SSE clients on HTTPS (read token) with RSS again; then
//    freeze/thaw actions POSTed on the Unix socket for BENCH_EVENTS_S
//    seconds (BENCH_ACTORS at once, each waiting for its action's end event
//    at every client): events received per client and per second, total
//    deliveries, the POST-to-end-event latency at the clients, and the lag
//    from each event's `at` to its receipt; RSS after. Control: the same
//    node without [listener], one SSE client on the Unix socket, the same
//    actions (what the actions alone do to RSS). Last, GET /api/v1/cluster
//    on this node, for scale beside 1.
// The other routes of 1 and the agent CPU per request (idle rate taken off)
// are there to find what is slow. All figures are measured, none estimated.
// BENCH_SERVICES, BENCH_REQUESTS, BENCH_CONC_EACH, BENCH_SSE,
// BENCH_EVENTS_S, BENCH_ACTORS scale it; BENCH_API_SKIP_CLUSTER=1 runs 2
// and 3 alone. About 4 minutes on 2 cores.
// Ports 24100 (heartbeats, in the namespaces), 24200/24201 (loopback).
import { killProcessesWithEnv, TestCluster, until } from '@capsule/testenv';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const nodemgr = `${repo}apps/cli/dist/bin/nodemgr.js`;
const SERVICES = Number(process.env.BENCH_SERVICES ?? 200);
const SEQ = Number(process.env.BENCH_REQUESTS ?? 500);
const CONC = 10;
const CONC_EACH = Number(process.env.BENCH_CONC_EACH ?? 50);
const SSE_CLIENTS = Number(process.env.BENCH_SSE ?? 50);
const EVENTS_S = Number(process.env.BENCH_EVENTS_S ?? 20);
const ACTORS = Number(process.env.BENCH_ACTORS ?? 4);
const ADMIN = 'bench-admin-token-0123456789abcdef';
const READER = 'bench-reader-token-0123456789abcdef';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const pct = (xs, p) => {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
};
const median = (xs) => pct(xs, 0.5);
const ms = (x) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** VmRSS (KiB) of a pid. */
const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
/** utime + stime of a pid, in seconds. */
const cpu = (pid) => {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

/** One request: over a Unix socket (`socketPath`) or HTTPS (`host`, `port`, `ca`). */
function call(o) {
  const { body, ...opts } = o;
  return new Promise((resolve, reject) => {
    const req = (opts.socketPath ? httpRequest : httpsRequest)(opts, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Everything started is undone on the way out, a signal included.
const cleanups = [];
async function cleanup() {
  for (const f of cleanups.splice(0).reverse()) {
    try {
      await f();
    } catch (e) {
      console.error(`cleanup: ${e.message}`);
    }
  }
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    console.error(`\n${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** The app's script: its status is whether its file exists. */
const appScript = (root, svc) => `#!/bin/sh\nf=${root}/var/bench-up/${svc}\ncase "$1" in start) mkdir -p ${root}/var/bench-up; touch $f ;; stop) rm -f $f ;; status) [ -e $f ] ;; esac\n`;
const appConf = (nodes) => `[DEFAULT]\nnodes = ${nodes}\norchestrate = no\n\n[app#0]\nscript = run\n`;

// ---------------------------------------------------------------- 1. cluster
async function clusterBench() {
  const names = ['apib1', 'apib2', 'apib3'];
  const t0 = Date.now();
  const c = await TestCluster.create({ nodes: names, nodemgr, interval: '1s', timeout: '3s', port: 24100 });
  cleanups.push(() => c.dispose());
  for (let i = 0; i < SERVICES; i++) {
    const svc = `s${i}`;
    await c.writeService(svc, () => appConf(names.join(' ')), { [`etc/capsule/${svc}.d/run`]: (n) => appScript(n.root, svc) });
  }
  // One service in three up on each node: placements spread over the cluster.
  names.forEach((name, k) => {
    const dir = join(c.node(name).root, 'var/bench-up');
    mkdirSync(dir, { recursive: true });
    for (let i = k; i < SERVICES; i += 3) writeFileSync(join(dir, `s${i}`), '');
  });
  for (const n of names) c.startDaemon(n);
  const sock = (n) => join(c.node(n).root, 'var/run/capsule/api.sock');
  const agent = new HttpAgent({ keepAlive: true, maxSockets: CONC });
  const get = (n, path) => call({ socketPath: sock(n), path, agent });
  const seesAll = async (n) => {
    const r = await get(n, '/api/v1/cluster').catch(() => undefined);
    if (r?.status !== 200) return false;
    const j = JSON.parse(r.body);
    const svcs = Object.values(j.services);
    return j.nodes.filter((x) => x.alive).length === 3 && svcs.length === SERVICES && svcs.every((s) => Object.keys(s.instances).length === 3);
  };
  await until('3 agents seeing 3 nodes alive and every service on all 3', async () => (await Promise.all(names.map(seesAll))).every(Boolean), 240_000);
  console.log(`1. GET /api/v1/cluster, ${SERVICES} services on 3 nodes (app services, orchestrate = no), Unix socket of ${names[0]} (measured)`);
  console.log(`  cluster up and converged in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const pids = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await c.agentPid(n)])));
  // The agents' own CPU, idle (no request), over 5 s: subtracted from what the requests cost.
  const idle0 = Object.fromEntries(names.map((n) => [n, cpu(pids[n])]));
  await sleep(5000);
  const idleRate = Object.fromEntries(names.map((n) => [n, (cpu(pids[n]) - idle0[n]) / 5]));
  const rssBefore = Object.fromEntries(names.map((n) => [n, rss(pids[n])]));
  const cpu0 = Object.fromEntries(names.map((n) => [n, cpu(pids[n])]));
  const wall0 = nowMs();
  /** Agent CPU (ms) per request over a phase, the idle rate taken off. */
  const perRequest = (c0, t0, n) => (1000 * (cpu(pids[names[0]]) - c0 - (idleRate[names[0]] * (nowMs() - t0)) / 1000)) / n;

  const size = (await get(names[0], '/api/v1/cluster')).body.length;
  for (let i = 0; i < 20; i++) await get(names[0], '/api/v1/cluster');
  const seq = [];
  const seqCpu = cpu(pids[names[0]]);
  const seqT = nowMs();
  for (let i = 0; i < SEQ; i++) {
    const t = nowMs();
    const r = await get(names[0], '/api/v1/cluster');
    seq.push(nowMs() - t);
    if (r.status !== 200) throw new Error(`GET /api/v1/cluster: ${r.status}`);
  }
  console.log(`  sequential, ${SEQ} requests (response ${(size / 1024).toFixed(0)} KiB): median ${ms(median(seq))}, p95 ${ms(pct(seq, 0.95))}, max ${ms(Math.max(...seq))} -> ${(1000 / (seq.reduce((a, b) => a + b, 0) / SEQ)).toFixed(0)} req/s; agent CPU ${ms(perRequest(seqCpu, seqT, SEQ))} per request (its idle ${(100 * idleRate[names[0]]).toFixed(0)}% of a core taken off)`);

  const conc = [];
  const concCpu = cpu(pids[names[0]]);
  const tc = nowMs();
  await Promise.all(
    Array.from({ length: CONC }, async () => {
      for (let i = 0; i < CONC_EACH; i++) {
        const t = nowMs();
        const r = await get(names[0], '/api/v1/cluster');
        conc.push(nowMs() - t);
        if (r.status !== 200) throw new Error(`GET /api/v1/cluster: ${r.status}`);
      }
    }),
  );
  const concS = (nowMs() - tc) / 1000;
  console.log(`  ${CONC} concurrent clients x ${CONC_EACH} requests: ${(conc.length / concS).toFixed(0)} req/s, latency median ${ms(median(conc))}, p95 ${ms(pct(conc, 0.95))}, max ${ms(Math.max(...conc))}; agent CPU ${ms(perRequest(concCpu, tc, conc.length))} per request`);

  // The other routes, for comparison (sequential, same socket).
  const routes = [
    ['GET /api/v1/openapi.json', '/api/v1/openapi.json', 50],
    ['GET /api/v1/services/s0/config', '/api/v1/services/s0/config', 50],
    ['GET /api/v1/services/s0/log?lines=200', '/api/v1/services/s0/log?lines=200', 50],
    ['GET /api/v1/services/s0/status', '/api/v1/services/s0/status', 10],
  ];
  for (const [label, path, n] of routes) {
    const xs = [];
    const errors = [];
    for (let i = 0; i < n; i++) {
      const t = nowMs();
      const r = await get(names[0], path);
      xs.push(nowMs() - t);
      // Said, not thrown: a failing route is a finding.
      if (r.status !== 200) errors.push(`#${i + 1} at ${new Date().toISOString()}: ${r.status} ${r.body}`);
    }
    console.log(`  ${label.padEnd(38)} x${String(n).padEnd(3)} median ${ms(median(xs))}, max ${ms(Math.max(...xs))}${errors.length ? `; ${errors.length} failed, e.g. ${errors[0]}` : ''}`);
  }
  const wall = (nowMs() - wall0) / 1000;
  for (const n of names) {
    const used = cpu(pids[n]) - cpu0[n];
    console.log(`  agent ${n}: VmRSS ${mib(rssBefore[n])} before, ${mib(rss(pids[n]))} after; CPU ${(100 * idleRate[n]).toFixed(0)}% of a core idle, ${(100 * used / wall).toFixed(0)}% over the ${wall.toFixed(0)} s of requests${n === names[0] ? ' (serving them)' : ' (serving none)'}`);
  }
  agent.destroy();
  await c.dispose();
  cleanups.pop();
}

// ---------------------------------------------------- 2. and 3. one node
async function nodeBench() {
  const root = mkdtempSync(join(tmpdir(), 'capsule-bench-api-'));
  // BENCH_AGENT_NODE_OPTIONS: V8 flags for the agent (e.g. --max-semi-space-size=1), to tell heap growth from a leak.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', CAPSULE_ROOT: root, CAPSULE_NODENAME: 'apibench', ...(process.env.BENCH_AGENT_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_AGENT_NODE_OPTIONS } : {}) };
  cleanups.push(async () => {
    spawnSync(process.execPath, [nodemgr, 'daemon', 'stop'], { env, stdio: 'ignore', timeout: 20_000 });
    await killProcessesWithEnv('CAPSULE_ROOT', root);
    rmSync(root, { recursive: true, force: true });
  });
  const etc = join(root, 'etc/capsule');
  mkdirSync(etc, { recursive: true });
  const ssl = (args) => execFileSync('openssl', args, { cwd: etc, stdio: 'pipe' });
  ssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=capsule-bench-listener', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', 'listener.key', '-out', 'listener.pem']);
  execFileSync('chmod', ['600', join(etc, 'listener.key')]);
  const ca = readFileSync(join(etc, 'listener.pem'));
  writeFileSync(join(etc, 'api-tokens'), `ops admin ${ADMIN}\ndash read ${READER}\n`, { mode: 0o600 });
  const NSVC = 20;
  for (let i = 0; i < NSVC; i++) {
    mkdirSync(join(etc, `e${i}.d`), { recursive: true });
    writeFileSync(join(etc, `e${i}.d/run`), appScript(root, `e${i}`), { mode: 0o755 });
    writeFileSync(join(etc, `e${i}.conf`), appConf('apibench'));
  }
  const hbPort = 24200;
  const apiPort = 24201;
  const conf = (listener) =>
    `[cluster]\nname = apibench\nnodes = apibench\nsecret = ${'b'.repeat(32)}\n\n[hb#1]\nport = ${hbPort}\naddr@apibench = 127.0.0.1\n` +
    (listener ? `\n[listener]\naddress = 127.0.0.1\nport = ${apiPort}\ntls_cert = ${etc}/listener.pem\ntls_key = ${etc}/listener.key\ntokens_file = ${etc}/api-tokens\n` : '');
  const sock = join(root, 'var/run/capsule/api.sock');
  const unix = (path, o = {}) => call({ socketPath: sock, path, agent: false, ...o });
  const tls = (path, o = {}) => call({ host: '127.0.0.1', port: apiPort, ca, path, agent: false, ...o });
  const nm = (...args) => {
    const r = spawnSync(process.execPath, [nodemgr, ...args], { env, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`nodemgr ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  };
  const pidOf = () => Number(readFileSync(join(root, 'var/run/capsule/agent.pid'), 'utf8').trim());
  const start = async (listener) => {
    writeFileSync(join(etc, 'node.conf'), conf(listener), { mode: 0o600 });
    nm('daemon', 'start');
    await until('the API answering', async () => (await (listener ? tls : unix)('/api/v1/cluster', { headers: { authorization: `Bearer ${READER}` } }).catch(() => undefined))?.status === 200, 60_000);
    return pidOf();
  };
  const stop = async () => {
    nm('daemon', 'stop');
    await until('the agent gone', () => !existsSync(join(root, 'var/run/capsule/agent.pid')), 30_000);
  };
  /** Median VmRSS of `n` samples 1 s apart, after `settle` ms. */
  const settled = async (pid, settle = 10_000, n = 10) => {
    await sleep(settle);
    const xs = [];
    for (let i = 0; i < n; i++) {
      xs.push(rss(pid));
      await sleep(1000);
    }
    return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
  };

  // 3. The listener's cost: off, on, off, on (the same node, 20 services).
  console.log(`\n3. agent resident memory, one node on loopback, ${NSVC} services (VmRSS after 10 s, median of 10 samples 1 s apart; measured)`);
  const off = [];
  const on = [];
  for (let round = 1; round <= 2; round++) {
    for (const listener of [false, true]) {
      const pid = await start(listener);
      const r = await settled(pid);
      (listener ? on : off).push(r.median);
      console.log(`  round ${round}, ${listener ? '[listener] HTTPS on ' : 'no [listener]       '}: median ${mib(r.median)} (min ${mib(r.min)}, max ${mib(r.max)}), VmHWM ${mib(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]))}`);
      if (round === 2 && listener) break;
      await stop();
    }
  }
  const pid = pidOf();
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`  added by the listener: ${mib(mean(on) - mean(off))} (mean of the rounds: ${mib(mean(on))} - ${mib(mean(off))}; per round: ${on.map((x, i) => mib(x - off[i])).join(', ')}) - goal: under 15 MiB`);

  // 2. 50 SSE clients on HTTPS, then actions.
  const waiters = new Set();
  /** An event-stream client, on HTTPS (read token) or the Unix socket; resolves once the stream answered. */
  const sse = (k, https) => {
    const cl = { events: [], gaps: 0, lastId: 0, lag: [] };
    return new Promise((resolve, reject) => {
      const opts = { agent: false, path: '/api/v1/events', headers: { authorization: `Bearer ${READER}`, accept: 'text/event-stream' } };
      const req = (https ? httpsRequest : httpRequest)(https ? { host: '127.0.0.1', port: apiPort, ca, ...opts } : { socketPath: sock, ...opts }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`GET /api/v1/events: ${res.statusCode}`));
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          buf += d;
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (frame.startsWith('retry:')) resolve(cl);
            const data = frame.split('\n').find((l) => l.startsWith('data: '));
            if (!data) continue;
            const e = JSON.parse(data.slice(6));
            if (cl.lastId && e.id !== cl.lastId + 1) cl.gaps++;
            cl.lastId = e.id;
            cl.lag.push(Date.now() - Date.parse(e.at));
            cl.events.push(e);
            for (const w of waiters) w(k, e);
          }
        });
      });
      req.on('error', (e) => (cl.closing ? undefined : reject(e)));
      cl.close = () => {
        cl.closing = true;
        req.destroy();
      };
      req.end();
    });
  };
  const frozen = new Array(NSVC).fill(false);
  /** Freeze/thaw for `seconds`, ACTORS at once, each action waited for until its end event reached every client. */
  const drive = async (clients, seconds) => {
    for (const cl of clients) cl.events.length = cl.lag.length = 0;
    const latencies = [];
    let actions = 0;
    let failed = 0;
    let nextSvc = 0;
    const t0 = nowMs();
    const tEnd = t0 + seconds * 1000;
    await Promise.all(
      Array.from({ length: ACTORS }, async () => {
        while (nowMs() < tEnd) {
          // Each actor takes the next service: no two actions on one service at once.
          const i = nextSvc++ % NSVC;
          const action = frozen[i] ? 'thaw' : 'freeze';
          frozen[i] = !frozen[i];
          let id;
          const seen = new Map();
          const early = [];
          let done;
          const all = new Promise((r) => (done = r));
          const w = (k, e) => {
            if (e.kind !== 'action' || e.phase !== 'end') return;
            if (id === undefined) return early.push([k, e, nowMs()]);
            if (e.action_id === id && !seen.has(k)) {
              seen.set(k, nowMs());
              if (e.code !== 0 && k === 0) failed++;
              if (seen.size === clients.length) done();
            }
          };
          waiters.add(w);
          const tp = nowMs();
          const r = await call({ socketPath: sock, method: 'POST', path: `/api/v1/services/e${i}/actions/${action}`, agent: false, headers: { 'content-type': 'application/json' }, body: '{}' });
          if (r.status !== 202) throw new Error(`POST ${action} e${i}: ${r.status} ${r.body}`);
          id = JSON.parse(r.body).id;
          for (const [k, e, t] of early) if (e.action_id === id && !seen.has(k)) seen.set(k, t);
          if (seen.size === clients.length) done();
          let timer;
          await Promise.race([all, new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`${action} e${i} (${id}): end event not at every client within 60 s (${seen.size}/${clients.length})`)), 60_000)))]);
          clearTimeout(timer);
          waiters.delete(w);
          for (const t of seen.values()) latencies.push(t - tp);
          actions++;
        }
      }),
    );
    await sleep(1000);
    return { latencies, actions, failed, span: (nowMs() - t0) / 1000 };
  };
  const hwm = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

  const clients = [];
  cleanups.push(() => clients.forEach((cl) => cl.close()));
  for (let k = 0; k < SSE_CLIENTS; k++) clients.push(await sse(k, true));
  const r50 = await settled(pid, 5000, 5);
  console.log(`  with ${SSE_CLIENTS} SSE clients connected (HTTPS): median ${mib(r50.median)} (${mib(r50.median - on.at(-1))} more than just before, idle with the listener)`);

  console.log(`\n2. events to ${SSE_CLIENTS} SSE clients (HTTPS) on one agent: freeze/thaw POSTed on the Unix socket for ${EVENTS_S} s, ${ACTORS} at once, each waiting for its end event at every client (measured)`);
  const cpu0 = cpu(pid);
  const { latencies, actions, failed, span } = await drive(clients, EVENTS_S);
  const counts = clients.map((cl) => cl.events.length);
  const kinds = {};
  for (const e of clients[0].events) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
  const total = counts.reduce((a, b) => a + b, 0);
  const lags = clients.flatMap((cl) => cl.lag);
  console.log(`  ${actions} actions (${failed ? `${failed} ended in failure, ` : ''}${(actions / span).toFixed(1)}/s) in ${span.toFixed(1)} s; events per client: ${Math.min(...counts)}..${Math.max(...counts)} (${Object.entries(kinds).map(([k, n]) => `${k} ${n}`).join(', ')}); id gaps seen: ${clients.reduce((a, cl) => a + cl.gaps, 0)}`);
  console.log(`  ${(median(counts) / span).toFixed(1)} events/s per client, ${(total / span).toFixed(0)} deliveries/s in all; agent CPU ${(100 * (cpu(pid) - cpu0) / span).toFixed(0)}% of a core`);
  console.log(`  POST to the action's end event at the clients (${latencies.length} deliveries): median ${ms(median(latencies))}, p95 ${ms(pct(latencies, 0.95))}, max ${ms(Math.max(...latencies))}`);
  console.log(`  event's "at" to its receipt at a client (ms clock): median ${median(lags)} ms, max ${Math.max(...lags)} ms`);
  console.log(`  agent VmRSS right after the run, ${SSE_CLIENTS} clients still connected: ${mib(rss(pid))}`);
  const after = await settled(pid, 10_000, 5);
  console.log(`  ... and 10 s later: median ${mib(after.median)} (VmHWM ${mib(hwm(pid))})`);
  for (const cl of clients.splice(0)) cl.close();
  const closed = await settled(pid, 5000, 5);
  console.log(`  clients gone, 5 s later: median ${mib(closed.median)}`);

  // The control: the same actions on the same node without [listener], one SSE client on the Unix socket.
  await stop();
  const pid0 = await start(false);
  const base = await settled(pid0);
  clients.push(await sse(0, false));
  const cpu1 = cpu(pid0);
  const ctl = await drive(clients, EVENTS_S);
  const ctlCpu = (100 * (cpu(pid0) - cpu1)) / ctl.span;
  const ctlAfter = await settled(pid0, 10_000, 5);
  console.log(`  control, no [listener], 1 SSE client on the Unix socket, the same ${EVENTS_S} s of actions: ${ctl.actions} actions, POST to end event median ${ms(median(ctl.latencies))}, max ${ms(Math.max(...ctl.latencies))}; agent CPU ${ctlCpu.toFixed(0)}% of a core; VmRSS ${mib(base.median)} before, ${mib(ctlAfter.median)} 10 s after (VmHWM ${mib(hwm(pid0))})`);
  for (const cl of clients.splice(0)) cl.close();

  // For scale beside section 1: this node's GET /api/v1/cluster with its 20 services.
  const one = [];
  for (let i = 0; i < 220; i++) {
    const t = nowMs();
    await unix('/api/v1/cluster');
    if (i >= 20) one.push(nowMs() - t);
  }
  console.log(`\n  for scale: GET /api/v1/cluster on this one node (${NSVC} services), 200 sequential requests: median ${ms(median(one))}, p95 ${ms(pct(one, 0.95))}, max ${ms(Math.max(...one))}`);
}

console.log(`machine: ${availableParallelism()} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the start`);
try {
  if (!process.env.BENCH_API_SKIP_CLUSTER) await clusterBench();
  await nodeBench();
} finally {
  await cleanup();
}
