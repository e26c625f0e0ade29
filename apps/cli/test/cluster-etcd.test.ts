// The cluster on etcd for real: three agent daemons in network namespaces
// with `backend = etcd` and `quorum = true`, a three-member etcd cluster,
// each member a host of its own on the same switch, and the failover
// service of the heartbeat tests. A node powered off: the service comes up
// elsewhere. The holder cut off from etcd: it stops the service (its lease
// is not renewed) before another node, which claims it once the lease has
// expired, starts it. One etcd member killed: the cluster goes on; two:
// nothing runs (quorum = true) and nothing starts; back: it runs once.
// Sampled every 100 ms throughout: never two holders.
import { TestCluster, until } from '@capsule/testenv';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliEntry } from './cli.js';
import { holders, reach, sampler, writeWebService } from './cluster-web.js';

const T = 180_000;
let c: TestCluster;

beforeAll(async () => {
  c = await TestCluster.create({ nodes: ['hv1', 'hv2', 'hv3'], nodemgr: cliEntry('nodemgr'), port: 10650, fence: true, etcd: 3, timeout: '3s' });
  await writeWebService(c);
  for (const n of c.nodes.keys()) c.startDaemon(n);
}, T);
afterAll(async () => {
  if (process.env['DUMP_LOGS']) for (const n of c?.nodes.values() ?? []) (await import('node:fs')).writeFileSync(`${process.env['DUMP_LOGS']}-${n.name}.log`, n.log.join('\n'));
  await c?.dispose();
}, T);

const status = async (node: string) => JSON.parse((await c.cli(node, 'nodemgr', ['daemon', 'status', '--format', 'json'])).stdout || '{}') as Record<string, unknown>;

test('the daemons run on etcd: daemon status says so, the service starts on one node', async () => {
  await until('web answering', () => reach(c), T);
  const s = await status('hv2');
  expect(s).toMatchObject({ backend: 'etcd', endpoints: c.etcd!.endpoints, leaseTtlS: 3 });
  expect(await holders(c)).toHaveLength(1);
  const text = (await c.cli('hv2', 'nodemgr', ['daemon', 'status'])).stdout;
  expect(text).toMatch(/^node hv2 of cluster test: quorum \(etcd lease renewed .*\)\netcd: lease [\d.]+ s of 3 s left, revision \d+ seen\n/);
  for (const e of c.etcd!.endpoints) expect(text).toContain(`  ${e}: ok\n`);
}, T);

test('nodemgr set of etcd endpoints that do not answer is refused by the running daemon, which keeps etcd; set back, it reloads', async () => {
  const holder = await until('web answering', () => reach(c), T);
  const bad = await c.cli('hv2', 'nodemgr', ['set', '--param', 'cluster.etcd_endpoints', '--value', 'http://198.51.100.99:2379']);
  expect(bad.stderr).toMatch(/the agent daemon kept its previous settings: etcd: no etcd endpoint answers \(http:\/\/198\.51\.100\.99:2379\)/);
  expect(((await status('hv2')) as { quorum?: { quorum?: boolean } }).quorum?.quorum).toBe(true);
  const good = await c.cli('hv2', 'nodemgr', ['set', '--param', 'cluster.etcd_endpoints', '--value', c.etcd!.endpoints.join(' ')]);
  expect(good.stderr).toContain('the agent daemon reloaded node.conf');
  await until('hv2 in quorum on etcd again', async () => ((await status('hv2')) as { quorum?: { quorum?: boolean } }).quorum?.quorum === true, T);
  expect(await holders(c)).toEqual([holder]);
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

test('a start that fails gives its claim back: the holder powered off, the next node fails to start web, the last one starts it', async () => {
  const holder = await until('web answering', () => reach(c), T);
  const [next, last] = ['hv1', 'hv2', 'hv3'].filter((n) => n !== holder) as [string, string];
  await mkdir(join(c.node(next).root, 'var'), { recursive: true });
  await writeFile(join(c.node(next).root, 'var/fail-start'), '');
  const s = sampler(c);
  try {
    await c.powerOff(holder);
    // A claim kept after the failed start would keep every other node from starting web until that node's lease ended.
    await until(`web on ${last}`, async () => ((await reach(c)) === last ? last : undefined), T);
    expect(c.node(next).log.join('\n')).toMatch(/start web failed/);
  } finally {
    expect(await s.stop()).toEqual([]);
    await rm(join(c.node(next).root, 'var/fail-start'));
  }
  await c.powerOn(holder);
  await until(`${holder} back in quorum`, async () => ((await status(holder)) as { quorum?: { quorum?: boolean } }).quorum?.quorum === true, T);
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

test('two etcd members killed: no node has quorum, the service stops and starts nowhere; etcd back: it runs on one node', async () => {
  await until('web answering', () => reach(c), T);
  const s = sampler(c);
  try {
    await c.etcd!.kill('etcd2');
    await c.etcd!.kill('etcd3');
    await until('no quorum anywhere', async () => {
      // The node powered off by the test before stays off.
      const q = await Promise.all([...c.nodes.values()].filter((n) => n.daemon).map((n) => n.name).map(async (n) => ((await status(n)) as { quorum?: { quorum?: boolean } }).quorum?.quorum));
      return q.every((x) => x === false);
    }, T);
    await until('web stopped everywhere', async () => (await holders(c)).length === 0, T);
    c.etcd!.revive('etcd2');
    c.etcd!.revive('etcd3');
    await c.etcd!.healthy(60_000);
    await until('web answering again', () => reach(c), T);
  } finally {
    expect(await s.stop()).toEqual([]);
  }
  expect(await holders(c)).toHaveLength(1);
}, T);
