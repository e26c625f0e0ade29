// Heartbeats and etcd side by side: bytes per second per node at 16, 64 and
// 200 nodes (BENCH_SIZES) with 5 and 50 services per node (BENCH_SVCS).
// Heartbeat figures are COMPUTED from real message sizes: the real encoder
// (encodeHeartbeat, HMAC included) on a view of that size (every peer in
// `peers`, the services as the agent publishes them), interval 1 s; unicast:
// each node sends its heartbeat to every peer and hears every peer's;
// multicast: one send, heard by all; above MAX_DATAGRAM the services go by
// digest and each peer fetches the body over TCP once per change (view
// fetch). Decode CPU per datagram is MEASURED (a loop of decodeHeartbeat).
// etcd figures are MEASURED on a real 3-member etcd on loopback (ports
// BENCH_ETCD_PORT..+5, default 23820), one EtcdBackend per node (TTL 3 s,
// published every second): TCP bytes of the nodes' processes to etcd (ss
// -ti: HTTP/2 and gRPC framing included) and gRPC message bytes (etcd's
// /metrics), steady (views unchanged) and per service change (BENCH_CHURN
// changes per second across the pool, default 10). The etcd-scale.mjs
// figures (200/1000 nodes, 3 services) are shown too when it has run.
import { decodeHeartbeat, encodeHeartbeat, ReplayGuard } from '@capsule/cluster';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_DATAGRAM, digestOf } from '../packages/cluster/dist/hb/viewfetch.js';
import { cleanup, fmtBytes, joinAll, leaderOf, metric, poolConfig, scrape, sleep, startEtcd, startPool, table, tcpBytes } from './etcd/pool.mjs';
import { servicesOf } from './etcd/view.mjs';

const sizes = (process.env.BENCH_SIZES ?? '16,64,200').split(',').map(Number);
const svcs = (process.env.BENCH_SVCS ?? '5,50').split(',').map(Number);
const port = Number(process.env.BENCH_ETCD_PORT ?? 23820);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const churn = Number(process.env.BENCH_CHURN ?? 10);
const secret = 'bench-backends-secret-0123456789abcdef';
const name = (i) => `node${String(i).padStart(3, '0')}`;

/** One node's heartbeat in a pool of N with S services, as HeartbeatBackend.publish() builds it. */
function heartbeat(N, S) {
  const seq = 1_234_567_890_123;
  const peers = Object.fromEntries(Array.from({ length: N - 1 }, (_, i) => [name(i + 1), [Math.round(Math.random() * 999), seq + i]]));
  const msg = { cluster: 'bench', node: name(0), boot: 'a1b2c3d4e5f60718', seq, ts: Date.now(), view: { frozen: false, up: 86_400_000, peers, services: servicesOf(S) } };
  const full = encodeHeartbeat(msg, secret);
  if (full.length <= MAX_DATAGRAM) return { msg, bytes: full.length, full: full.length, digest: false, body: 0 };
  const body = JSON.stringify(msg.view.services);
  const small = encodeHeartbeat({ ...msg, view: { ...msg.view, services: {} }, digest: digestOf(body) }, secret);
  return { msg: { ...msg, view: { ...msg.view, services: {} }, digest: digestOf(body) }, bytes: small.length, full: full.length, digest: true, body: Buffer.byteLength(body) };
}

/** Measured: µs per decodeHeartbeat (MAC, JSON, schema, replay guard) of this message. */
function decodeMicros(msg, N) {
  const nodes = Array.from({ length: N }, (_, i) => name(i));
  const guard = new ReplayGuard();
  const bufs = Array.from({ length: 500 }, (_, i) => encodeHeartbeat({ ...msg, seq: msg.seq + i + 1, ts: Date.now() }, secret));
  const ctx = { secret, cluster: 'bench', nodes, self: name(N - 1), now: Date.now(), windowMs: 10_000 };
  for (const b of bufs.slice(0, 100)) decodeHeartbeat(b, ctx, guard);
  const t = performance.now();
  for (const b of bufs.slice(100)) if (typeof decodeHeartbeat(b, ctx, guard) === 'string') throw new Error('decode failed');
  return ((performance.now() - t) * 1000) / 400;
}

/** Measured on etcd: per node, TCP and gRPC bytes per second, steady and with `churn` service changes per second in the pool. */
async function etcdBytes(N, S) {
  const { etcd, dispose } = await startEtcd(port);
  let pool;
  try {
    const workers = Math.min(4, Math.ceil(N / 50));
    const cfg = poolConfig({ N, endpoints: etcd.endpoints, prefix: `/capsule/backends${N}x${S}/`, services: S });
    pool = await startPool({ N, workers, cfg });
    const join = await joinAll(pool.procs, N, 5 * 60_000, N > 64 ? 50 : 0);
    await sleep(3000);
    const ports = etcd.endpoints.map((e) => new URL(e).port);
    const window = async () => {
      const t0 = pool.procs.map((p) => tcpBytes(p.pid, ports));
      const m0 = await scrape(etcd);
      await sleep(seconds * 1000);
      const t1 = pool.procs.map((p) => tcpBytes(p.pid, ports));
      const m1 = await scrape(etcd);
      const d = (k) => t1.reduce((a, x, i) => a + x[k] - t0[i][k], 0) / seconds / N;
      const leader = leaderOf(m1);
      const rate = (n, o) => (metric(m1, n, o) - metric(m0, n, o)) / seconds;
      return { out: d('sent'), in: d('received'), grpcOut: rate('etcd_network_client_grpc_received_bytes_total') / N, grpcIn: rate('etcd_network_client_grpc_sent_bytes_total') / N, puts: rate('etcd_mvcc_put_total', { member: leader }) };
    };
    const steady = await window();
    await Promise.all(pool.workers.map((w) => w.rpc('churn', { per: Math.max(1, Math.round((churn * w.nodes) / N)) })));
    await sleep(2000);
    const churned = await window();
    await Promise.all(pool.workers.map((w) => w.rpc('churn', { per: 0 })));
    const c = churned.puts;
    return { joinMs: join.joinMs, steady, changesPerS: c, perChange: { writerOut: ((churned.out - steady.out) * N) / c, eachIn: (churned.in - steady.in) / c, grpcEachIn: (churned.grpcIn - steady.grpcIn) / c } };
  } finally {
    await Promise.all((pool?.procs ?? []).map((p) => p.close()));
    await dispose();
  }
}

try {
  const rows = [];
  for (const N of sizes) {
    for (const S of svcs) {
      const hb = heartbeat(N, S);
      const us = decodeMicros(hb.msg, N);
      console.log(`-- ${N} nodes, ${S} services: heartbeat ${hb.bytes} B${hb.digest ? ` (full view ${hb.full} B > ${MAX_DATAGRAM}: services by digest, body ${hb.body} B)` : ''}${hb.bytes > MAX_DATAGRAM ? `, STILL over ${MAX_DATAGRAM} B (the peers map): IP-fragmented in ${Math.ceil((hb.bytes + 8) / 1480)}` : ''}; decode ${us.toFixed(0)} µs; measuring etcd...`);
      const e = await etcdBytes(N, S);
      console.log(`   etcd: joined in ${e.joinMs} ms; steady per node: TCP out ${fmtBytes(e.steady.out)}/s, in ${fmtBytes(e.steady.in)}/s (gRPC messages ${fmtBytes(e.steady.grpcOut)}/s out, ${fmtBytes(e.steady.grpcIn)}/s in); ${e.changesPerS.toFixed(1)} changes/s: each change costs its writer ${fmtBytes(e.perChange.writerOut)} out and every node ${fmtBytes(e.perChange.eachIn)} in (gRPC ${fmtBytes(e.perChange.grpcEachIn)})`);
      rows.push({ N, S, hb, us, e });
    }
  }
  console.log(`\nBytes per second per node (payload bytes; UDP/IP and TCP/IP headers not counted). hb = COMPUTED from real encoded sizes, interval 1 s; etcd = MEASURED (TCP payload of the nodes' connections, HTTP/2 framing included).`);
  console.log(
    table(
      ['nodes', 'svcs', 'hb datagram', 'frags', 'hb unicast out=in', 'hb mcast out / in', 'hb decode CPU', 'hb per change (fetch)', 'etcd steady out / in', 'etcd per change: writer / each node'],
      rows.map(({ N, S, hb, us, e }) => [
        N,
        S,
        `${hb.bytes} B${hb.digest ? ' +digest' : ''}`,
        hb.bytes + 8 > 1480 ? Math.ceil((hb.bytes + 8) / 1480) : 1,
        `${fmtBytes((N - 1) * hb.bytes)}/s`,
        `${fmtBytes(hb.bytes)} / ${fmtBytes((N - 1) * hb.bytes)}`,
        `${(((N - 1) * us) / 1000).toFixed(1)} ms/s`,
        hb.digest ? `${fmtBytes((N - 1) * hb.body)} served` : 'in the datagram',
        `${fmtBytes(e.steady.out)} / ${fmtBytes(e.steady.in)}`,
        `${fmtBytes(e.perChange.writerOut)} / ${fmtBytes(e.perChange.eachIn)}`,
      ]),
    ),
  );
  console.log(`hb decode CPU: measured µs per decodeHeartbeat × (N-1) datagrams per second. hb per change: with services by digest, every peer fetches the new body once (N-1 bodies served by the node).`);
  const prior = join(tmpdir(), 'capsule-bench-etcd-scale.json');
  if (existsSync(prior)) {
    const scale = JSON.parse(readFileSync(prior, 'utf8')).filter((r) => !r.joinFailed);
    console.log(`\nFrom etcd-scale.mjs (MEASURED, ${prior}):`);
    console.log(table(['nodes', 'svcs', 'node gRPC out / in (steady)', 'one node TCP out / in (steady)', 'keepalives/s at etcd'], scale.map((r) => [r.N, r.services, `${fmtBytes(r.grpcInPerS / r.N)} / ${fmtBytes(r.grpcOutPerS / r.N)}`, `${fmtBytes(r.probe.tcpSentPerS)} / ${fmtBytes(r.probe.tcpReceivedPerS)}`, r.keepAlivesPerS.toFixed(0)])));
  }
} catch (e) {
  console.error(`backends failed: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
