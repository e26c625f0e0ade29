// Failover time: from the power loss of the node running a service (every
// process killed, link down, as in the real test) to the service address
// answering a client from another node. Three nodes in network namespaces,
// heartbeats every 1 s, timeout 3 s; BENCH_RUNS runs (default 5).
// `--backend etcd` (or BENCH_BACKEND=etcd): the same on the etcd backend,
// a three-member etcd in namespaces of its own (TestCluster etcd: 3),
// etcd_timeout 3 s (the lease TTL; views published every 1 s).
import { SVC_ADDR as ADDR, SVC_PORT, TestCluster, writeWebService } from '@capsule/testenv';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const arg = process.argv.indexOf('--backend');
const backend = (arg > 0 ? process.argv[arg + 1] : undefined) ?? process.env.BENCH_BACKEND ?? 'hb';
if (!['hb', 'etcd'].includes(backend)) throw new Error(`--backend ${backend}: hb or etcd`);
const etcd = backend === 'etcd';

let c;
// Interrupted: the namespaces, the agents and etcd go all the same.
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.error(`${sig}: cleaning up`);
    void Promise.resolve(c?.dispose()).finally(() => process.exit(1));
  });
}
c = await TestCluster.create({ nodes: ['hv1', 'hv2', 'hv3'], nodemgr: `${repo}apps/cli/dist/bin/nodemgr.js`, interval: '1s', timeout: '3s', ...(etcd ? { port: 10420, etcd: 3 } : { port: 10400 }) });
// Back in the cluster: heartbeats say `majority (3/3)`; on etcd, quorum is the node's lease (`quorum (etcd lease renewed ...)`), and every peer is up.
const rejoined = async (node) => {
  if (!etcd) return (await c.cli(node, 'nodemgr', ['daemon', 'status'])).stdout.includes('majority (3/3)');
  const r = await c.cli(node, 'nodemgr', ['daemon', 'status', '--format', 'json']);
  if (r.code !== 0) return false;
  const s = JSON.parse(r.stdout);
  return s.quorum?.quorum === true && Object.values(s.peers ?? {}).every((p) => p.alive);
};
try {
  // The real tests' service (monitor included): its address, an app answering the node's name.
  await writeWebService(c);
  for (const n of c.nodes.keys()) c.startDaemon(n);
  const who = async () => (await c.client.exec(['curl', '-s', '--http0.9', '--max-time', '0.3', `http://${ADDR}:${SVC_PORT}/`])).stdout;
  const until = async (fn, ms = 60_000) => {
    const t0 = Date.now();
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() - t0 > ms) throw new Error('timed out');
      await sleep(50);
    }
  };
  const figures = [];
  for (let i = 0; i < runs; i++) {
    const holder = await until(who);
    // Power loss at a random phase of the heartbeat interval, as in life.
    await sleep(Math.random() * 1000);
    await c.powerOff(holder);
    const t0 = Date.now();
    const next = await until(async () => {
      const w = await who();
      return w && w !== holder ? w : undefined;
    });
    figures.push(Date.now() - t0);
    console.log(`run ${i + 1}: ${holder} lost, ${next} answers after ${figures.at(-1)} ms`);
    if (process.env.BENCH_DEBUG) console.log('power off at', new Date(t0).toISOString(), '\n' + c.node(next).log.slice(-1).join('\n') + '\n' + (await import('node:fs')).readFileSync(`${c.node(next).root}/var/lib/capsule/web/log`, 'utf8').trim().split('\n').slice(-8).join('\n'));
    await c.powerOn(holder);
    // Let the node rejoin before the next loss.
    await until(() => rejoined(holder));
  }
  const sorted = [...figures].sort((a, b) => a - b);
  console.log(`failover (${etcd ? 'etcd backend, 3 etcd members, etcd_timeout 3s (lease TTL), views every 1s' : 'heartbeats, interval 1s, timeout 3s'}), ${runs} runs: median ${sorted[Math.floor(runs / 2)]} ms, max ${sorted.at(-1)} ms, min ${sorted[0]} ms`);
} finally {
  await c.dispose();
}
