// The heartbeat backend against the contract, three nodes on loopback
// addresses (127.0.0.1-3), real UDP datagrams signed with the cluster secret.
import { createSocket, type Socket } from 'node:dgram';
import { HeartbeatBackend, type ClusterConfig } from '../src/index.js';
import { backendContract, until } from './backend-contract.js';

const nodes = ['n1', 'n2', 'n3'];
let port = 20000 + (process.pid % 20000);


/** Three nodes on 127.0.0.1-3, on a port of their own: a closed socket's port is not reused by the next test's nodes. */
function loopbackCluster(name: string): ClusterConfig {
  port++;
  return {
    name,
    nodes,
    secret: 'contract-secret-0123456789abcdef',
    fence: false,
    arbitrators: [],
    stonith: {},
    hbs: [{ name: 'hb#1', type: 'unicast', port, intervalMs: 100, timeoutMs: 600, addresses: { n1: '127.0.0.1', n2: '127.0.0.2', n3: '127.0.0.3' } }],
  };
}

backendContract('heartbeat', {
  nodes,
  settleMs: 1000,
  quorum: 'nodes',
  make: async () => {
    const cluster = loopbackCluster('contract');
    return Object.fromEntries(nodes.map((n) => [n, new HeartbeatBackend(cluster, n)]));
  },
});

describe('a node with 2,000 services of 200-character names', () => {
  const name = (i: number) => `${String(i).padStart(4, '0')}-${'s'.repeat(195)}`;
  const inst = { avail: 'down' as const, overall: 'down', frozen: false, startFailed: false, csum: 'c'.repeat(64), mtime: 1_700_000_000_000, generation: 3 };
  const services = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [name(i), i === 7 ? { ...inst, avail: 'up' as const } : inst]));
  let b: Record<string, HeartbeatBackend>;
  let sniffer: Socket;
  const sizes: number[] = [];
  let pump: NodeJS.Timeout;

  beforeAll(async () => {
    const cluster = loopbackCluster('big');
    // n3 is a bare socket: it sees the datagrams n1 sends, as they are on the wire.
    sniffer = createSocket('udp4');
    sniffer.on('message', (m) => sizes.push(m.length));
    await new Promise<void>((r) => sniffer.bind(port, '127.0.0.3', () => r()));
    b = { n1: new HeartbeatBackend(cluster, 'n1'), n2: new HeartbeatBackend(cluster, 'n2') };
    await Promise.all(Object.values(b).map((x) => x.start()));
    pump = setInterval(() => void Promise.all([b['n1']!.publish({ frozen: false, services }), b['n2']!.publish({ frozen: false, services: {} })]), 50);
  });
  afterAll(async () => {
    clearInterval(pump);
    await Promise.all(Object.values(b).map((x) => x.close()));
    await new Promise<void>((r) => sniffer.close(() => r()));
  });

  test('keeps its membership: its peer sees it alive with every service, and no datagram is larger than 1,400 bytes', async () => {
    await until('n2 has all of n1', () => {
      const m = b['n2']!.membership();
      return m.alive.includes('n1') && Object.keys(m.views['n1']?.services ?? {}).length === 2000 && m.settled;
    });
    expect(b['n2']!.membership().views['n1']!.services[name(7)]).toMatchObject({ avail: 'up', generation: 3 });
    expect(b['n2']!.counters.rejected).toMatchObject({ malformed: 0, badMac: 0 });
    expect(sizes.length).toBeGreaterThan(0);
    // In one datagram, the services alone would be about 700 KB.
    expect(JSON.stringify(services).length).toBeGreaterThan(500_000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1400);
  });
});
