// Reproduction (not a benchmark; run by hand: node bench/etcd/repro-snapshot-limit.mjs):
// once a cluster's prefix holds more than 4 MiB of keys (about 15,000 service
// instances cluster-wide), a node that starts cannot read the snapshot:
// EtcdBackend.start() rejects, as gRPC's default receive limit of 4 MiB
// applies to the one getAll() of the prefix.
import { EtcdBackend } from '@capsule/cluster/etcd';
import { servicesOf } from './view.mjs';
import { cleanup, startEtcd } from './pool.mjs';

const count = Number(process.argv[2] ?? 20_000);
const port = Number(process.env.BENCH_ETCD_PORT ?? 23940);
const cluster = { name: 'repro', nodes: ['a', 'b'], secret: 'x', fence: false, arbitrators: [], stonith: {}, hbs: [] };
try {
  const { etcd } = await startEtcd(port);
  const a = new EtcdBackend(cluster, 'a', { endpoints: etcd.endpoints, prefix: '/capsule/repro/', ttlMs: 3000, log: (l) => console.log(`a: ${l}`) });
  await a.start();
  await a.publish({ frozen: false, services: servicesOf(count) });
  console.log(`a published ${count} services`);
  const b = new EtcdBackend(cluster, 'b', { endpoints: etcd.endpoints, prefix: '/capsule/repro/', ttlMs: 3000, log: (l) => console.log(`b: ${l}`) });
  try {
    await b.start();
    console.log(`b started: sees ${Object.keys(b.membership().views.a?.services ?? {}).length} services of a`);
  } catch (e) {
    console.log(`b.start() rejected: ${e.message}`);
  }
  await a.close();
  await b.close();
} finally {
  await cleanup();
}
