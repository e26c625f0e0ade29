// The etcd backend at pool scale with LIGHT simulated nodes (issue 24): on a
// 2-core machine shared by etcd and every node, N full EtcdBackends (4 etcd3
// clients each, bench/etcd-scale.mjs) cannot all join at 1000; here the N
// pool nodes are what etcd sees of a node and no more (etcd/light-worker.mjs:
// one Etcd3 client per process, its own lease per node, renewed every TTL/3,
// and the keys a real node writes under it), in BENCH_WORKERS processes
// (default 2), and three REAL EtcdBackend nodes run in processes of their
// own, as the agent uses them: n0000 the probe (membership() every 100 ms,
// as decide()), n0001 the claim holder, n0002 a plain member. A real 3-member
// etcd on loopback (TestEtcd, ports BENCH_ETCD_PORT..+5, default 23800),
// fresh for each N (BENCH_NODES, default "200,1000"), TTL 3 s, BENCH_SERVICES
// services per node (default 3). Measured:
//  (a) join: from the first start until the probe, the holder and n0002 all
//      see N+3 nodes alive (membership().alive);
//  (b) steady state over BENCH_SECONDS (default 10), from etcd's /metrics
//      (deltas): writes (raft proposals committed, puts, txns) per second,
//      lease renewals (keep-alive requests) per second, etcd's own CPU;
//      the probe's CPU and RSS: a capsule node's in a pool of N+3;
//  (c) failover: n0001 claims a service and its process is SIGKILLed (no
//      revoke); the probe claims it once n0001 is out of its membership,
//      polling every 100 ms: ms from the kill to the claim, BENCH_RUNS runs
//      (default 5), a new holder process each run.
// Results also go to $TMPDIR/capsule-bench-etcd-light.json. Whatever
// happens, etcd, its directory and every process are removed.
import { writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, fmtBytes, joinAll, leaderOf, median, metric, nodeName, poolConfig, Proc, scrape, sleep, startEtcd, startPool, table } from './etcd/pool.mjs';

const LIGHT = fileURLToPath(new URL('./etcd/light-worker.mjs', import.meta.url));
const sizes = (process.env.BENCH_NODES ?? '200,1000').split(',').map(Number);
const workers = Number(process.env.BENCH_WORKERS ?? 2);
const services = Number(process.env.BENCH_SERVICES ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const port = Number(process.env.BENCH_ETCD_PORT ?? 23800);
const results = [];

async function one(N) {
  console.log(`\n-- ${N} light nodes (${services} services each, TTL 3 s) in ${workers} processes + 3 real EtcdBackend nodes, one per process`);
  const { etcd, dispose } = await startEtcd(port);
  const r = { N, services, workers };
  const procs = [];
  try {
    const prefix = `/capsule/light${N}/`;
    const cfg = poolConfig({ N: N + 3, endpoints: etcd.endpoints, prefix, services });
    const real = await startPool({ N: 3, workers: 0, solo: ['probe', 'holder', 'member'], cfg });
    procs.push(...real.procs);
    const { probe } = real.solo;
    const names = Array.from({ length: N }, (_, i) => nodeName(i + 3));
    const per = Math.ceil(N / workers);
    const light = [];
    for (let w = 0; w * per < N; w++) {
      const p = new Proc(`light${w}`, LIGHT);
      await p.rpc('init', { endpoints: etcd.endpoints, prefix, services, ttlS: 3, names: names.slice(w * per, (w + 1) * per) });
      light.push(p);
      procs.push(p);
    }

    // (a) the light nodes and the real ones started at once; done when every real node sees all N+3.
    const before = await scrape(etcd);
    const t0 = Date.now();
    const lightDone = Promise.all(light.map((p) => p.rpc('start', {}))).then((s) => Math.max(...s.map((x) => x.lastStartedAt)) - t0);
    Object.assign(r, await joinAll(real.procs, N + 3, 4 * 60_000, 0, 4 * 60_000));
    r.lightJoinMs = await lightDone;
    const afterJoin = await scrape(etcd);
    const ls = await Promise.all(light.map((p) => p.rpc('status')));
    r.lightFailedJoins = ls.reduce((a, s) => a + s.failedJoins, 0);
    r.joinProposals = metric(afterJoin, 'etcd_server_proposals_committed_total', { member: leaderOf(afterJoin) }) - metric(before, 'etcd_server_proposals_committed_total', { member: leaderOf(afterJoin) });
    console.log(`(a) all ${N} light nodes wrote their keys after ${r.lightJoinMs} ms (${r.lightFailedJoins} failed tries); the 3 real nodes see all ${N + 3} alive after ${r.joinMs} ms (${r.failedStarts} failed start(s)); ${r.joinProposals} raft proposals committed${ls.some((s) => s.errors.length) ? `; errors: ${[...new Set(ls.flatMap((s) => s.errors))].join(' | ')}` : ''}`);

    // (b)
    await sleep(5000);
    const m0 = await scrape(etcd);
    const [pm, ...lm] = await Promise.all([probe.rpc('measure', { ms: seconds * 1000 }), ...light.map((p) => p.rpc('measure', { ms: seconds * 1000 }))]);
    const m1 = await scrape(etcd);
    const leader = leaderOf(m1);
    const rate = (name, o = {}) => (metric(m1, name, o) - metric(m0, name, o)) / seconds;
    Object.assign(r, {
      proposalsPerS: rate('etcd_server_proposals_committed_total', { member: leader }),
      putsPerS: rate('etcd_mvcc_put_total', { member: leader }),
      txnPerS: rate('etcd_mvcc_txn_total', { member: leader }),
      deletesPerS: rate('etcd_mvcc_delete_total', { member: leader }),
      renewalsPerS: rate('etcd_debugging_lease_renewed_total', { member: leader }),
      keepAliveMsgsPerS: rate('grpc_server_msg_received_total', { label: 'grpc_method="LeaseKeepAlive"' }),
      leases: metric(m1, 'etcd_debugging_lease_granted_total', { member: leader }) - metric(m1, 'etcd_debugging_lease_revoked_total', { member: leader }),
      watchers: metric(m1, 'etcd_debugging_mvcc_watcher_total'),
      etcdCpu: rate('process_cpu_seconds_total'),
      etcdRss: metric(m1, 'process_resident_memory_bytes'),
      probe: { cpuPerS: (pm.cpuUserMs + pm.cpuSysMs) / (pm.wallMs / 1000), rss: pm.rss, heapUsed: pm.heapUsed, decideMs: pm.decide.ms / Math.max(1, pm.decide.n), decideMaxMs: pm.decide.max, lagP99Ms: pm.lagMs.p99 },
      lightCpuPerS: lm.reduce((a, w) => a + w.cpuMs, 0) / seconds,
      lightRss: lm.reduce((a, w) => a + w.rss, 0),
      lightRenewedPerS: lm.reduce((a, w) => a + w.renewed, 0) / seconds,
      lightExpired: lm.reduce((a, w) => a + w.expired, 0),
    });
    console.log(`(b) steady, ${seconds} s: leader ${leader}: ${r.proposalsPerS.toFixed(1)} raft proposals committed/s (${r.putsPerS.toFixed(1)} puts/s, ${r.txnPerS.toFixed(1)} txn/s, ${r.deletesPerS.toFixed(1)} deletes/s), ${r.renewalsPerS.toFixed(0)} lease renewals/s (${r.keepAliveMsgsPerS.toFixed(0)} keep-alive requests/s received by all members; the light nodes had ${r.lightRenewedPerS.toFixed(0)}/s answered, ${r.lightExpired} expired), ${r.leases} leases, ${r.watchers} watchers; etcd CPU ${(r.etcdCpu * 100).toFixed(0)}% of a core (3 members), RSS ${fmtBytes(r.etcdRss)}`);
    console.log(`(b) the probe, a real node alone in its process (membership() every 100 ms: ${r.probe.decideMs.toFixed(2)} ms avg, ${r.probe.decideMaxMs.toFixed(1)} max): CPU ${(r.probe.cpuPerS / 10).toFixed(1)}% (${r.probe.cpuPerS.toFixed(0)} ms/s), RSS ${fmtBytes(r.probe.rss)} (heap ${fmtBytes(r.probe.heapUsed)}), event-loop delay p99 ${r.probe.lagP99Ms.toFixed(0)} ms; the ${N} light nodes: ${((r.lightCpuPerS / 1000) * 100).toFixed(0)}% CPU, ${fmtBytes(r.lightRss)} RSS in ${light.length} processes`);

    // (c)
    r.failover = [];
    let holder = real.solo.holder;
    const holderNode = nodeName(1);
    for (let i = 0; i < runs; i++) {
      const svc = `svc-run${i}`;
      if (!holder) {
        holder = new Proc(`holder(${holderNode})`);
        procs.push(holder);
        await holder.rpc('init', { ...cfg, names: [holderNode] });
        await holder.rpc('start', { want: N + 3 });
      }
      for (const t = Date.now(); !(await probe.rpc('sees', { node: nodeName(0), of: holderNode })); await sleep(100)) if (Date.now() - t > 60_000) throw new Error(`${nodeName(0)} does not see ${holderNode}`);
      if (!(await holder.rpc('claim', { node: holderNode, svc }))) throw new Error(`${holderNode} could not claim ${svc}`);
      // A crash at a random phase of the renewal period.
      await sleep(Math.random() * 1000);
      const taking = probe.rpc('takeover', { node: nodeName(0), svc, holder: holderNode });
      const killedAt = Date.now();
      await holder.kill('SIGKILL');
      holder = undefined;
      const t = await taking;
      r.failover.push({ lostMs: t.lostAt - killedAt, claimMs: t.claimedAt - killedAt, tries: t.tries });
      console.log(`(c) run ${i + 1}: ${holderNode} SIGKILLed, out of the probe's membership after ${t.lostAt - killedAt} ms, ${svc} claimed after ${t.claimedAt - killedAt} ms (${t.tries} claim(s))`);
    }
    const claims = r.failover.map((f) => f.claimMs);
    console.log(`(c) failover to the claim, ${runs} runs: median ${median(claims)} ms, max ${Math.max(...claims)} ms (the agent waits takeoverMs = 3000 ms more before it claims: bench/failover.mjs with BENCH_BACKEND=etcd)`);
    results.push(r);
  } finally {
    await Promise.all(procs.map((p) => p.close()));
    await dispose();
  }
}

try {
  for (const N of sizes) await one(N);
  writeFileSync(join(tmpdir(), 'capsule-bench-etcd-light.json'), JSON.stringify(results, null, 1));
  const pct = (x) => `${(x * 100).toFixed(0)}%`;
  console.log(`\netcd backend, N light nodes + 3 real (${services} services/node, TTL 3 s; ${cpus().length}-core machine shared by etcd and every node)`);
  console.log(
    table(
      ['N light', 'join all (s)', 'raft writes/s', 'puts/s', 'renewals/s', 'etcd CPU', 'etcd RSS', 'failover med/max (ms)', 'node CPU', 'node RSS', 'light procs CPU'],
      results.map((r) => [r.N, (r.joinMs / 1000).toFixed(1), r.proposalsPerS.toFixed(1), r.putsPerS.toFixed(1), r.renewalsPerS.toFixed(0), pct(r.etcdCpu), fmtBytes(r.etcdRss), `${median(r.failover.map((f) => f.claimMs))}/${Math.max(...r.failover.map((f) => f.claimMs))}`, pct(r.probe.cpuPerS / 1000), fmtBytes(r.probe.rss), pct(r.lightCpuPerS / 1000)]),
    ),
  );
} catch (e) {
  console.error(`etcd-light failed: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
