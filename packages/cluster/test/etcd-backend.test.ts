// The etcd backend against the backend contract, on a real three-member
// etcd cluster (Debian's etcd-server) on loopback; then what only a store
// gives: one claim per service whatever the race, a claim that goes with its
// holder's lease, another cluster's data refused, a garbage key ignored.
import { TestEtcd, until as untilAsync } from '@capsule/testenv';
import { Etcd3 } from 'etcd3';
import type { ClusterConfig } from '../src/index.js';
import { EtcdBackend } from '../src/etcd/backend.js';
import { backendContract, until } from './backend-contract.js';

const nodes = ['n1', 'n2', 'n3'];
const T = 60_000;
let etcd: TestEtcd;
let prefixes = 0;

beforeAll(async () => {
  etcd = await TestEtcd.start(3, 20400 + (process.pid % 50) * 10);
}, T);
afterAll(() => etcd?.dispose(), T);

const cluster = (name = 'contract'): ClusterConfig => ({ name, nodes, secret: 'unused-by-etcd', fence: false, arbitrators: [], stonith: {}, hbs: [] });

/** Backends for every node on a prefix of their own (a fresh cluster per test). */
function backends(o: { name?: string; prefix?: string; ttlMs?: number } = {}): Record<string, EtcdBackend> {
  const prefix = o.prefix ?? `/capsule-test/${process.pid}/${++prefixes}/`;
  return Object.fromEntries(nodes.map((n) => [n, new EtcdBackend(cluster(o.name), n, { endpoints: etcd.endpoints, prefix, ttlMs: o.ttlMs ?? 2000 })]));
}

/** Starts every backend and publishes its (empty) view once, as the daemon does at once: a node counts alive with a view. */
async function startAll(b: Record<string, EtcdBackend>): Promise<void> {
  await Promise.all(Object.values(b).map((x) => x.start()));
  await Promise.all(Object.values(b).map((x) => x.publish({ frozen: false, services: {} })));
}

backendContract('etcd', { nodes, settleMs: 3000, quorum: 'store', make: async () => backends() });

describe('etcd placement', () => {
  let b: Record<string, EtcdBackend> = {};
  afterEach(async () => {
    await Promise.all(Object.values(b).map((x) => x.close()));
    b = {};
  });

  test('three nodes claim a service at once: exactly one gets it; released, another can', async () => {
    b = backends();
    await startAll(b);
    await until('ready', () => nodes.every((n) => b[n]!.membership().ready && b[n]!.membership().alive.length === 3));
    const got = await Promise.all(nodes.map((n) => b[n]!.claim('web')));
    expect(got.filter(Boolean)).toHaveLength(1);
    const holder = nodes[got.indexOf(true)]!;
    // The holder's claim stands; a second claim by it is still true, by another still false.
    expect(await b[holder]!.claim('web')).toBe(true);
    const other = nodes.find((n) => n !== holder)!;
    expect(await b[other]!.claim('web')).toBe(false);
    await b[holder]!.release('web');
    expect(await b[other]!.claim('web')).toBe(true);
  }, T);

  test('a flex service with two slots: two nodes hold it, the third is refused until one gives its slot back', async () => {
    b = backends();
    await startAll(b);
    await until('ready', () => nodes.every((n) => b[n]!.membership().ready && b[n]!.membership().alive.length === 3));
    const got = await Promise.all(nodes.map((n) => b[n]!.claim('api', 2)));
    expect(got.filter(Boolean)).toHaveLength(2);
    const out = nodes[got.indexOf(false)]!;
    const holder = nodes.find((n) => n !== out)!;
    // A holder's claim again is still true; the failover claim of the same name is another key.
    expect(await b[holder]!.claim('api', 2)).toBe(true);
    expect(await b[out]!.claim('api', 2)).toBe(false);
    await b[holder]!.release('api');
    expect(await b[out]!.claim('api', 2)).toBe(true);
    expect(await b[holder]!.claim('api', 2)).toBe(false);
  }, T);

  test('a holder that dies without a word (its lease expires) gives its claim back; the others see it lost', async () => {
    b = backends({ ttlMs: 2000 });
    await startAll(b);
    await until('ready', () => nodes.every((n) => b[n]!.membership().ready && b[n]!.membership().alive.length === 3));
    expect(await b['n1']!.claim('web')).toBe(true);
    expect(await b['n2']!.claim('web')).toBe(false);
    // A crash: keepalives stop, nothing is revoked.
    (b['n1'] as unknown as { renewal: { stop(): void } }).renewal.stop();
    await until('n1 lost', () => !b['n2']!.membership().alive.includes('n1'), T);
    expect(await b['n2']!.claim('web')).toBe(true);
  }, T);

  test('etcd without quorum (two members of three killed): no node has quorum or claims; members back: the cluster converges', async () => {
    b = backends({ ttlMs: 2000 });
    await startAll(b);
    await until('ready', () => nodes.every((n) => b[n]!.membership().ready && b[n]!.membership().alive.length === 3));
    await etcd.kill('etcd2');
    // One member down: etcd goes on, so does the cluster.
    expect(await b['n1']!.claim('web')).toBe(true);
    await etcd.kill('etcd3');
    await until('quorum lost everywhere', () => nodes.every((n) => !b[n]!.membership().quorum.quorum), T);
    expect(await b['n2']!.claim('db')).toBe(false);
    expect(b['n2']!.membership().alive).toEqual(['n2']);
    etcd.revive('etcd2');
    etcd.revive('etcd3');
    await etcd.healthy();
    // Leases expired meanwhile are granted again: every node back, and the claim of web was its holder's.
    await until('converged', () => nodes.every((n) => b[n]!.membership().quorum.quorum && b[n]!.membership().alive.length === 3), T);
  }, T);

  test('a release etcd cannot take (no quorum) is kept and done once etcd is back: the claim does not outlive the stop', async () => {
    b = backends({ ttlMs: 3000 });
    await startAll(b);
    await until('ready', () => nodes.every((n) => b[n]!.membership().ready && b[n]!.membership().alive.length === 3));
    expect(await b['n1']!.claim('web')).toBe(true);
    await etcd.kill('etcd2');
    await etcd.kill('etcd3');
    await b['n1']!.release('web');
    etcd.revive('etcd2');
    etcd.revive('etcd3');
    await etcd.healthy();
    // The agent asks again every round (releaseUnheld): once etcd answers, the claim is gone and another node gets it.
    await untilAsync('web claimable by n2', async () => {
      await Promise.all(nodes.map((n) => b[n]!.publish({ frozen: false, services: {} })));
      await b['n1']!.release('web');
      return b['n2']!.claim('web');
    }, T);
  }, T);

  test('a member hung (SIGSTOP, its connections open and silent): a follower costs no node its quorum; after the leader, the cluster converges', async () => {
    b = backends({ ttlMs: 4000 });
    await startAll(b);
    await until('ready', () => nodes.every((n) => b[n]!.membership().ready && b[n]!.membership().alive.length === 3));
    const lapses: string[] = [];
    const leader = await etcd.leader();
    // Followers first, then the leader: a renewal stuck on the hung member (etcd3's own keep-alive gives up only
    // after a whole TTL) lets quorum lapse at 2/3 of one, as seen before renewals went to every member.
    for (const m of [...etcd.members.map((x) => x.name).filter((x) => x !== leader), leader]) {
      etcd.signal(m, 'SIGSTOP');
      // A hung follower must cost nothing: the leader and the other follower answer every renewal. A hung leader costs
      // an election, whose length is etcd's and the machine's (a loaded one can pass 2/3 of a TTL): not checked.
      const watch = setInterval(() => {
        if (m !== leader) lapses.push(...nodes.filter((n) => !b[n]!.membership().quorum.quorum).map((n) => `${n} with ${m} hung: ${b[n]!.membership().quorum.reason}`));
      }, 50);
      try {
        const from = Date.now();
        await untilAsync(`two TTLs with ${m} hung`, async () => Date.now() - from > 8000, T);
      } finally {
        clearInterval(watch);
        etcd.signal(m, 'SIGCONT');
      }
      await etcd.healthy();
    }
    expect(lapses).toEqual([]);
    // A leader resumed after its term ended may still revoke the leases it saw expire (etcd before its fix for
    // issues 12528 and 15247): then every node loses quorum at once and takes a new lease; either way they converge.
    await untilAsync('converged', async () => {
      // As the daemon does every interval: what went with a lease comes back under the new one.
      await Promise.all(nodes.map((n) => b[n]!.publish({ frozen: false, services: {} })));
      return nodes.every((n) => b[n]!.membership().quorum.quorum && b[n]!.membership().alive.length === 3);
    }, T);
    expect((await Promise.all(nodes.map((n) => b[n]!.claim('web')))).filter(Boolean)).toHaveLength(1);
  }, 2 * T);

  test('a lease lost (revoked behind the node\'s back, as an expiry): no quorum, then a new lease and the view published again', async () => {
    b = backends({ ttlMs: 2000 });
    await startAll(b);
    await until('ready', () => nodes.every((n) => b[n]!.membership().ready && b[n]!.membership().alive.length === 3));
    const web = { avail: 'up' as const, overall: 'up', frozen: false, startFailed: false, csum: 'x', mtime: 0, generation: 1 };
    await b['n1']!.publish({ frozen: false, services: { web } });
    await until('n1 web seen', () => b['n2']!.membership().views['n1']?.services['web']?.avail === 'up');
    const raw = new Etcd3({ hosts: etcd.endpoints });
    await raw.leaseClient.leaseRevoke({ ID: (b['n1'] as unknown as { leaseId: string }).leaseId });
    raw.close();
    await until('n1 gone for n2', () => !b['n2']!.membership().alive.includes('n1'), T);
    // The daemon publishes every interval: what went with the lease comes back under the new one.
    await untilAsync('n1 back with web', async () => {
      await b['n1']!.publish({ frozen: false, services: { web } });
      return b['n2']!.membership().views['n1']?.services['web']?.avail === 'up';
    }, T);
  }, T);

  test('a prefix holding another cluster\'s data is refused with a named error', async () => {
    const prefix = `/capsule-test/${process.pid}/foreign/`;
    const first = new EtcdBackend(cluster('alpha'), 'n1', { endpoints: etcd.endpoints, prefix, ttlMs: 2000 });
    await first.start();
    const second = new EtcdBackend(cluster('beta'), 'n1', { endpoints: etcd.endpoints, prefix, ttlMs: 2000 });
    await expect(second.start()).rejects.toMatchObject({ code: 'EtcdForeignData', hint: expect.stringContaining('etcd_prefix') });
    // A reload asks first, without joining: the same answer, and nothing written.
    await expect(EtcdBackend.probe(cluster('beta'), { endpoints: etcd.endpoints, prefix })).rejects.toMatchObject({ code: 'EtcdForeignData' });
    await expect(EtcdBackend.probe(cluster('alpha'), { endpoints: etcd.endpoints, prefix })).resolves.toBeUndefined();
    await expect(EtcdBackend.probe(cluster('gamma'), { endpoints: etcd.endpoints, prefix: `${prefix}nobody/` })).resolves.toBeUndefined();
    await first.close();
    await second.close();
  }, T);

  test('no endpoint answers: start says so once and joins when etcd comes up; with a bound, EtcdUnreachable names the endpoints', async () => {
    const port = 20400 + (process.pid % 50) * 10 + 8;
    const endpoints = [`http://127.0.0.1:${port}`];
    await expect(EtcdBackend.probe(cluster(), { endpoints }, 500)).rejects.toMatchObject({ code: 'EtcdUnreachable', message: expect.stringContaining(endpoints[0]!) });
    const bounded = new EtcdBackend(cluster(), 'n1', { endpoints, ttlMs: 2000, startTimeoutMs: 1000 });
    await expect(bounded.start()).rejects.toMatchObject({ code: 'EtcdUnreachable', message: expect.stringContaining(endpoints[0]!), hint: expect.stringContaining('etcd_endpoints') });
    await bounded.close();
    const lines: string[] = [];
    const patient = new EtcdBackend(cluster(), 'n1', { endpoints, ttlMs: 2000, log: (l) => lines.push(l) });
    b = { n1: patient };
    const joined = patient.start();
    await until('told', () => lines.length > 0);
    const late = await TestEtcd.start(1, port);
    try {
      await joined;
      expect(lines.filter((l) => l.includes('cannot join through etcd'))).toHaveLength(1);
      expect(patient.membership().quorum.quorum).toBe(true);
    } finally {
      await patient.close();
      b = {};
      await late.dispose();
    }
  }, T);

  test('a prefix larger than one page is read page by page at one revision: a node starting sees every instance', async () => {
    const prefix = `/capsule-test/${process.pid}/pages/`;
    const a = new EtcdBackend(cluster(), 'n1', { endpoints: etcd.endpoints, prefix, ttlMs: 3000 });
    const c = new EtcdBackend(cluster(), 'n2', { endpoints: etcd.endpoints, prefix, ttlMs: 3000, pageSize: 7 });
    b = { n1: a, n2: c };
    await a.start();
    const inst = { avail: 'up' as const, overall: 'up', frozen: false, startFailed: false, csum: 'x', mtime: 0, generation: 1 };
    const services = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`svc${String(i).padStart(3, '0')}`, inst]));
    await a.publish({ frozen: false, services });
    await c.start();
    await c.publish({ frozen: false, services: {} });
    expect(Object.keys(c.membership().views['n1']?.services ?? {})).toHaveLength(150);
  }, T);

  test('a key edited into garbage is ignored and reported; the rest of the view stands', async () => {
    const prefix = `/capsule-test/${process.pid}/garbage/`;
    const lines: string[] = [];
    const a = new EtcdBackend(cluster(), 'n1', { endpoints: etcd.endpoints, prefix, ttlMs: 2000, log: (l) => lines.push(l) });
    const c = new EtcdBackend(cluster(), 'n2', { endpoints: etcd.endpoints, prefix, ttlMs: 2000 });
    b = { n1: a, n2: c };
    await a.start();
    await c.start();
    await c.publish({ frozen: false, services: { web: { avail: 'up', overall: 'up', frozen: false, startFailed: false, csum: 'x', mtime: 0, generation: 1 } } });
    await until('n2 seen with web', () => a.membership().views['n2']?.services['web']?.avail === 'up');
    const raw = new Etcd3({ hosts: etcd.endpoints });
    await raw.put(`${prefix}views/n2/svc/db`).value('{not json');
    raw.close();
    await until('garbage reported', () => lines.some((l) => l.includes('views/n2/svc/db is not a valid capsule key')));
    expect(Object.keys(a.membership().views['n2']!.services)).toEqual(['web']);
  }, T);
});
