// The etcd backend at pool scale (issue 24): a real 3-member etcd on
// loopback (TestEtcd, ports BENCH_ETCD_PORT..+5, default 23800), fresh for
// each pool size N (BENCH_NODES, default "200,400,1000"). Every simulated
// node is a real EtcdBackend (its own clients, lease, presence key and view
// of BENCH_SERVICES services, default 3), TTL 3 s (etcd_timeout = 3s), its
// view published at once and every second, as the agent does; nodes spread
// over BENCH_WORKERS forked processes (default 4; grpc-js shares one TCP
// connection per etcd member among the clients of a process), three more
// in processes of their own: n0000 the probe (membership() every 100 ms, as
// the agent's decide()), n0001 the claim holder, n0002 the node with a
// large view. Up to 200 nodes start all at once; above, BENCH_JOIN_RATE
// nodes per second (default 25): on this 2-core machine, shared by etcd and
// every simulated node, 1000 nodes started at once (or even at 10/s) end in
// a storm of failed starts (1 s call deadlines missed, each failed start
// retried after 1 s as a supervisor would) that never completes; a join
// without progress for 60 s is reported as NOT MEASURED and the next size
// runs. Measured, all of it:
//  (a) join: from the first start until every node's membership().alive
//      holds all N;
//  (b) steady state over BENCH_SECONDS (default 10): writes and traffic
//      from etcd's own /metrics (deltas), etcd's own CPU;
//  (c) failover: n0001 claims a service, its process is SIGKILLed (no
//      revoke); a node in worker 0 (as the agent's decide(), every 100 ms)
//      claims it once n0001 is out of its membership: ms from the kill to
//      the claim, BENCH_RUNS runs (default 5), median and max;
//  (d) one node (the probe, alone in its process): CPU per second, RSS,
//      TCP bytes its process sent to and received from etcd (ss -ti);
//  (e) n0002 publishes 2000 services (BENCH_BIG): first full publish, an
//      unchanged one, one with a service changed; RSS; when the probe sees
//      them all.
// Results also go to $TMPDIR/capsule-bench-etcd-scale.json (backends.mjs
// prints them beside the heartbeat figures). Whatever happens, etcd, its
// directory and every worker are removed (finally, signals, crashes).
import { writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, fmtBytes, joinAll, leaderOf, median, metric, nodeName, poolConfig, Proc, scrape, sleep, startEtcd, startPool, table, tcpBytes } from './etcd/pool.mjs';

const sizes = (process.env.BENCH_NODES ?? '200,400,1000').split(',').map(Number);
const workers = Number(process.env.BENCH_WORKERS ?? 4);
const services = Number(process.env.BENCH_SERVICES ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const bigCount = Number(process.env.BENCH_BIG ?? 2000);
const port = Number(process.env.BENCH_ETCD_PORT ?? 23800);
const results = [];

async function one(N) {
  console.log(`\n-- ${N} nodes (${services} services each, TTL 3 s, publish every 1 s), ${workers} worker processes + 3 single-node processes`);
  const { etcd, dispose } = await startEtcd(port);
  const r = { N, services, workers };
  let pool;
  try {
    const cfg = poolConfig({ N, endpoints: etcd.endpoints, prefix: `/capsule/bench${N}/`, services });
    pool = await startPool({ N, workers, solo: ['probe', 'holder', 'big'], cfg });
    const { probe, big } = pool.solo;
    const claimant = pool.workers[0];
    const claimantNode = nodeName(3);

    // (a)
    const before = await scrape(etcd);
    // All at once above 200 nodes ends in a storm of failed starts on this 2-core machine (see the header): paced then.
    r.joinRate = process.env.BENCH_JOIN_RATE !== undefined ? Number(process.env.BENCH_JOIN_RATE) : N > 200 ? 25 : 0;
    try {
      Object.assign(r, await joinAll(pool.procs, N, 8 * 60_000, r.joinRate));
    } catch (e) {
      // Too heavy for this machine: said, and the next size is measured all the same.
      r.joinFailed = e.message;
      console.log(`(a) ${N} nodes, ${r.joinRate ? `started at ${r.joinRate} nodes/s` : 'started all at once'}: NOT MEASURED, ${e.message.slice(0, 1500)}`);
      results.push(r);
      return;
    }
    const afterJoin = await scrape(etcd);
    r.joinPuts = metric(afterJoin, 'etcd_mvcc_put_total', { member: leaderOf(afterJoin) }) - metric(before, 'etcd_mvcc_put_total', { member: leaderOf(afterJoin) });
    r.joinClientBytesOut = metric(afterJoin, 'etcd_network_client_grpc_sent_bytes_total') - metric(before, 'etcd_network_client_grpc_sent_bytes_total');
    console.log(`(a) ${r.joinRate ? `started at ${r.joinRate} nodes/s` : 'started all at once'}: all ${N} started in ${r.startedMs} ms, all see all ${N} after ${r.joinMs} ms; ${r.failedStarts} failed start(s)${r.errors.length ? `: ${r.errors.join(' | ')}` : ''}; join wrote ${r.joinPuts} keys, etcd sent ${fmtBytes(r.joinClientBytesOut)} to clients`);

    // (b) + (d), over the same window
    await sleep(5000);
    const ports = etcd.endpoints.map((e) => new URL(e).port);
    const tcp0 = pool.procs.map((p) => tcpBytes(p.pid, ports));
    const m0 = await scrape(etcd);
    const [pm, ...wm] = await Promise.all([probe.rpc('measure', { ms: seconds * 1000 }), ...pool.workers.map((w) => w.rpc('measure', { ms: seconds * 1000 }))]);
    const m1 = await scrape(etcd);
    const tcp1 = pool.procs.map((p) => tcpBytes(p.pid, ports));
    const tcpOf = (p, k) => (tcp1[pool.procs.indexOf(p)][k] - tcp0[pool.procs.indexOf(p)][k]) / seconds;
    const leader = leaderOf(m1);
    const rate = (name, o = {}) => (metric(m1, name, o) - metric(m0, name, o)) / seconds;
    Object.assign(r, {
      putsPerS: rate('etcd_mvcc_put_total', { member: leader }),
      txnPerS: rate('etcd_mvcc_txn_total', { member: leader }),
      deletesPerS: rate('etcd_mvcc_delete_total', { member: leader }),
      proposalsPerS: rate('etcd_server_proposals_committed_total', { member: leader }),
      keepAlivesPerS: rate('grpc_server_handled_total', { label: 'grpc_method="LeaseKeepAlive"' }),
      renewalsPerS: rate('etcd_debugging_lease_renewed_total', { member: leader }),
      rangesPerS: rate('etcd_mvcc_range_total'),
      watchEventsPerS: rate('etcd_debugging_mvcc_events_total'),
      watchers: metric(m1, 'etcd_debugging_mvcc_watcher_total'),
      grpcInPerS: rate('etcd_network_client_grpc_received_bytes_total'),
      grpcOutPerS: rate('etcd_network_client_grpc_sent_bytes_total'),
      etcdCpu: rate('process_cpu_seconds_total'),
      etcdRss: metric(m1, 'process_resident_memory_bytes'),
      dbSize: metric(m1, 'etcd_mvcc_db_total_size_in_bytes', { member: leader }),
      probe: { cpuPerS: (pm.cpuUserMs + pm.cpuSysMs) / (pm.wallMs / 1000), rss: pm.rss, heapUsed: pm.heapUsed, tcpSentPerS: tcpOf(probe, 'sent'), tcpReceivedPerS: tcpOf(probe, 'received'), decideMs: pm.decide.ms / Math.max(1, pm.decide.n), decideMaxMs: pm.decide.max, publishMs: pm.publish.ms / Math.max(1, pm.publish.n), lagP99Ms: pm.lagMs.p99 },
      workersLagP99Ms: Math.max(...wm.map((w) => w.lagMs.p99)),
      workersCpuPerS: wm.reduce((a, w) => a + w.cpuUserMs + w.cpuSysMs, 0) / seconds,
      workersRss: wm.reduce((a, w) => a + w.rss, 0),
      workersTcpSentPerNode: pool.workers.reduce((a, w) => a + tcpOf(w, 'sent'), 0) / (N - 3),
      workersTcpReceivedPerNode: pool.workers.reduce((a, w) => a + tcpOf(w, 'received'), 0) / (N - 3),
    });
    console.log(`(b) steady, ${seconds} s: leader ${leader}: ${r.putsPerS.toFixed(1)} puts/s, ${r.txnPerS.toFixed(1)} txn/s, ${r.deletesPerS.toFixed(1)} deletes/s, ${r.proposalsPerS.toFixed(1)} raft proposals committed/s; all members: ${r.keepAlivesPerS.toFixed(0)} LeaseKeepAlive streams/s (${r.renewalsPerS.toFixed(0)} renewals/s at the leader), ${r.rangesPerS.toFixed(1)} reads/s, ${r.watchEventsPerS.toFixed(1)} watch events/s to ${r.watchers} watchers, client gRPC in ${fmtBytes(r.grpcInPerS)}/s (${(r.grpcInPerS / N).toFixed(0)} B/s per node), out ${fmtBytes(r.grpcOutPerS)}/s; etcd CPU ${(r.etcdCpu * 100).toFixed(0)}% of a core (3 members), RSS ${fmtBytes(r.etcdRss)}, db ${fmtBytes(r.dbSize)}`);
    console.log(`(d) one node alone in its process (membership() every 100 ms: ${r.probe.decideMs.toFixed(2)} ms avg, ${r.probe.decideMaxMs.toFixed(1)} max): CPU ${(r.probe.cpuPerS / 10).toFixed(1)}% (${r.probe.cpuPerS.toFixed(0)} ms/s), RSS ${fmtBytes(r.probe.rss)} (heap ${fmtBytes(r.probe.heapUsed)}), TCP to etcd: sent ${fmtBytes(r.probe.tcpSentPerS)}/s, received ${fmtBytes(r.probe.tcpReceivedPerS)}/s; the ${N - 3} other nodes: ${((r.workersCpuPerS / 1000) * 100).toFixed(0)}% CPU, ${fmtBytes(r.workersRss)} RSS in ${workers} processes (event-loop delay p99: probe ${r.probe.lagP99Ms.toFixed(0)} ms, workers up to ${r.workersLagP99Ms.toFixed(0)} ms), TCP per node sent ${fmtBytes(r.workersTcpSentPerNode)}/s, received ${fmtBytes(r.workersTcpReceivedPerNode)}/s`);

    // (c)
    r.failover = [];
    let holder = pool.solo.holder;
    const holderNode = nodeName(1);
    for (let i = 0; i < runs; i++) {
      const svc = `svc-run${i}`;
      if (!holder) {
        holder = new Proc(`holder(${holderNode})`);
        await holder.rpc('init', { ...cfg, names: [holderNode] });
        await holder.rpc('start', { want: N });
      }
      for (const t0 = Date.now(); !(await claimant.rpc('sees', { node: claimantNode, of: holderNode })); await sleep(100)) if (Date.now() - t0 > 60_000) throw new Error(`${claimantNode} does not see ${holderNode}`);
      if (!(await holder.rpc('claim', { node: holderNode, svc }))) throw new Error(`${holderNode} could not claim ${svc}`);
      // A crash at a random phase of the renewal period.
      await sleep(Math.random() * 1000);
      const taking = claimant.rpc('takeover', { node: claimantNode, svc, holder: holderNode });
      const killedAt = Date.now();
      await holder.kill('SIGKILL');
      holder = undefined;
      const t = await taking;
      r.failover.push({ lostMs: t.lostAt - killedAt, claimMs: t.claimedAt - killedAt, tries: t.tries });
      console.log(`(c) run ${i + 1}: ${holderNode} SIGKILLed, out of ${claimantNode}'s membership after ${t.lostAt - killedAt} ms, ${svc} claimed after ${t.claimedAt - killedAt} ms (${t.tries} claim(s))`);
    }
    const claims = r.failover.map((f) => f.claimMs);
    console.log(`(c) failover to the claim, ${runs} runs: median ${median(claims)} ms, max ${Math.max(...claims)} ms (the agent waits takeoverMs = 3000 ms more after the holder leaves its membership before it claims and starts: bench/failover.mjs with BENCH_BACKEND=etcd)`);

    // (e)
    const since = Date.now();
    const seeing = probe.rpc('seesServices', { node: nodeName(0), of: nodeName(2), count: bigCount, since });
    r.big = await big.rpc('bigView', { node: nodeName(2), count: bigCount });
    r.big.probeSeesMs = await seeing;
    console.log(`(e) ${bigCount} services (${fmtBytes(r.big.bytes)} of JSON) on ${nodeName(2)}: first publish ${r.big.firstMs.toFixed(0)} ms, unchanged ${r.big.unchangedMs.toFixed(1)} ms, one changed ${r.big.oneChangedMs.toFixed(1)} ms; RSS ${fmtBytes(r.big.rssBefore)} -> ${fmtBytes(r.big.rss)}, then ${r.big.cpuPerS.toFixed(0)} ms CPU/s; the probe saw all ${bigCount} after ${r.big.probeSeesMs} ms${r.big.newLogs.length ? `; logs: ${r.big.newLogs.join(' | ')}` : ''}`);
    results.push(r);
  } finally {
    await Promise.all((pool?.procs ?? []).map((p) => p.close()));
    await dispose();
  }
}

try {
  for (const N of sizes) await one(N);
  writeFileSync(join(tmpdir(), 'capsule-bench-etcd-scale.json'), JSON.stringify(results, null, 1));
  const pct = (x) => `${(x * 100).toFixed(0)}%`;
  console.log(`\netcd backend at scale (all measured; ${services} services/node, TTL 3 s, 1 s publish; ${cpus().length}-core machine shared by etcd and every simulated node: CPU-bound figures are this machine's, not a real pool's)`);
  console.log(
    table(
      ['N', 'join all (s)', 'puts/s', 'txn/s', 'raft/s', 'keepalives/s', 'grpc in B/s/node', 'etcd CPU', 'failover med/max (ms)', 'node CPU', 'node RSS', `${bigCount} svc: 1st/1 chg (ms)`, 'big RSS'],
      results.filter((r) => !r.joinFailed).map((r) => [r.N, (r.joinMs / 1000).toFixed(1), r.putsPerS.toFixed(1), r.txnPerS.toFixed(1), r.proposalsPerS.toFixed(1), r.keepAlivesPerS.toFixed(0), (r.grpcInPerS / r.N).toFixed(0), pct(r.etcdCpu), `${median(r.failover.map((f) => f.claimMs))}/${Math.max(...r.failover.map((f) => f.claimMs))}`, pct(r.probe.cpuPerS / 1000), fmtBytes(r.probe.rss), `${r.big.firstMs.toFixed(0)}/${r.big.oneChangedMs.toFixed(0)}`, fmtBytes(r.big.rss)]),
    ),
  );
  for (const r of results.filter((x) => x.joinFailed)) console.log(`${r.N} nodes: not measured on this machine, the join did not complete (${r.joinRate ? `${r.joinRate} nodes/s` : 'all at once'}): ${r.joinFailed.slice(0, 300)}`);
} catch (e) {
  console.error(`etcd-scale failed: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
