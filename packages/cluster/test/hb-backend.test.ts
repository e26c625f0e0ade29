// The heartbeat backend against the contract, three nodes on loopback
// addresses (127.0.0.1-3), real UDP datagrams signed with the cluster secret.
import { HeartbeatBackend, type ClusterConfig } from '../src/index.js';
import { backendContract } from './backend-contract.js';

const nodes = ['n1', 'n2', 'n3'];
let port = 20000 + (process.pid % 20000);

backendContract('heartbeat', {
  nodes,
  settleMs: 1000,
  make: async () => {
    // A port per fixture: a closed socket's port is not reused by the next test's nodes.
    port++;
    const cluster: ClusterConfig = {
      name: 'contract',
      nodes,
      secret: 'contract-secret-0123456789abcdef',
      fence: false,
      arbitrators: [],
      hbs: [{ name: 'hb#1', type: 'unicast', port, intervalMs: 100, timeoutMs: 600, addresses: { n1: '127.0.0.1', n2: '127.0.0.2', n3: '127.0.0.3' } }],
    };
    return Object.fromEntries(nodes.map((n) => [n, new HeartbeatBackend(cluster, n)]));
  },
});
