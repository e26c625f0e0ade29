// The cluster on etcd for real: three agent daemons in network namespaces
// with `backend = etcd` and `quorum = true`, a three-member etcd cluster,
// each member a host of its own on the same switch, and the failover
// service of the heartbeat tests. A node powered off: the service comes up
// elsewhere. The holder cut off from etcd: it stops the service (its lease
// is not renewed) before another node, which claims it once the lease has
// expired, starts it. One etcd member killed: the cluster goes on. Sampled
// every 100 ms throughout: never two holders.
import { TestCluster, until } from '@capsule/testenv';
import { cliEntry } from './cli.js';
import { holders, reach, sampler, writeWebService } from './cluster-web.js';

const T = 180_000;
let c: TestCluster;

beforeAll(async () => {
  c = await TestCluster.create({ nodes: ['hv1', 'hv2', 'hv3'], nodemgr: cliEntry('nodemgr'), port: 10650, fence: true, etcd: 3, timeout: '3s' });
  await writeWebService(c);
  for (const n of c.nodes.keys()) c.startDaemon(n);
}, T);
afterAll(() => c?.dispose(), T);

const status = async (node: string) => JSON.parse((await c.cli(node, 'nodemgr', ['daemon', 'status', '--format', 'json'])).stdout || '{}') as Record<string, unknown>;

test('the daemons run on etcd: daemon status says so, the service starts on one node', async () => {
  await until('web answering', () => reach(c), T);
  const s = await status('hv2');
  expect(s).toMatchObject({ backend: 'etcd', endpoints: c.etcd!.endpoints, leaseTtlS: 3 });
  expect(await holders(c)).toHaveLength(1);
}, T);

test('the holder cut off from etcd stops the service before another node starts it; healed, it takes nothing back', async () => {
  const from = await until('web answering', () => reach(c), T);
  const s = sampler(c);
  try {
    await c.cutFromEtcd(from);
    const to = await until('web moved', async () => {
      const r = await reach(c);
      return r && r !== from ? r : undefined;
    }, T);
    expect(c.node(from).log.join('\n')).toMatch(/stop web: target started, no quorum: self-fencing/);
    await c.cutFromEtcd(from, true);
    await until(`${from} back`, async () => ((await status(from)) as { quorum?: { quorum?: boolean } }).quorum?.quorum === true, T);
    await c.afterHeartbeats(from, 3);
    expect(await holders(c)).toEqual([to]);
  } finally {
    expect(await s.stop()).toEqual([]);
  }
}, T);

test('one etcd member killed: the cluster goes on, a powered-off holder fails over', async () => {
  await c.etcd!.kill('etcd1');
  const from = await until('web answering', () => reach(c), T);
  const s = sampler(c);
  try {
    await c.powerOff(from);
    await until('web elsewhere', async () => {
      const r = await reach(c);
      return r && r !== from ? r : undefined;
    }, T);
  } finally {
    expect(await s.stop()).toEqual([]);
  }
}, T);
