import type { NodeSections } from './node-keywords.js';
import { decidesQuorum, selfFence, type RunningCluster } from './self-fence.js';

const ARB = { address: '198.51.100.9:10001' };
/** A node.conf: `nodes`, quorum = true unless said, and an arbitrator at `arb` if any. */
const conf = (nodes: string, o: { fence?: boolean; arb?: string } = {}): NodeSections => ({
  cluster: { nodes, quorum: String(o.fence ?? true) },
  ...(o.arb ? { 'arbitrator#1': { address: o.arb } } : {}),
});

/** hv1's daemon: `alive` peers (the others of `peers` lost), web (ha) up here unless `services` says otherwise. */
function running(o: { peers?: string[]; alive?: string[]; arbitrator?: boolean; services?: Record<string, string> } = {}): RunningCluster {
  const services = o.services ?? { web: 'up' };
  return {
    node: 'hv1',
    peers: Object.fromEntries((o.peers ?? []).map((n) => [n, { alive: (o.alive ?? []).includes(n) }])),
    arbitrator: o.arbitrator === undefined ? null : { reachable: o.arbitrator, seen: [] },
    views: { hv1: { services: Object.fromEntries(Object.entries(services).map(([name, avail]) => [name, { avail }])) } },
    policies: Object.keys(services).map((name) => ({ name, orchestrate: name.startsWith('batch') ? 'start' : name.startsWith('manual') ? 'no' : 'ha' })),
  };
}

/** [what, file before, file after, the daemon's status, what would be stopped and why, or '-' for nothing]. */
const CASES: Array<[string, NodeSections, NodeSections, RunningCluster, string]> = [
  ['growing a lone node before the new one runs', conf('hv1'), conf('hv1 hv2'), running(), 'half (1/2) and no arbitrator: web; not alive: hv2'],
  ['the same with quorum = false: nothing is stopped', conf('hv1', { fence: false }), conf('hv1 hv2', { fence: false }), running(), '-'],
  ['growing 2 to 3 nodes, both running', conf('hv1 hv2'), conf('hv1 hv2 hv3'), running({ peers: ['hv2'], alive: ['hv2'] }), '-'],
  ['growing 2 to 3 nodes while hv2 is lost', conf('hv1 hv2'), conf('hv1 hv2 hv3'), running({ peers: ['hv2'] }), 'minority (1/3): web; not alive: hv2,hv3'],
  ['growing with the same arbitrator, reachable: it hears none of the new node', conf('hv1', { arb: ARB.address }), conf('hv1 hv2', { arb: ARB.address }), running({ arbitrator: true }), '-'],
  ['growing with the same arbitrator, not answering', conf('hv1', { arb: ARB.address }), conf('hv1 hv2', { arb: ARB.address }), running({ arbitrator: false }), 'half (1/2) and the arbitrator does not answer: web; not alive: hv2'],
  ['an arbitrator added with the edit is not known to answer yet', conf('hv1 hv2'), conf('hv1 hv2', { arb: ARB.address }), running({ peers: ['hv2'] }), 'half (1/2) and the arbitrator does not answer: web; not alive: hv2'],
  ['an arbitrator moved elsewhere is not known to answer', conf('hv1 hv2', { arb: ARB.address }), conf('hv1 hv2', { arb: '198.51.100.10:10001' }), running({ peers: ['hv2'], arbitrator: true }), 'half (1/2) and the arbitrator does not answer: web; not alive: hv2'],
  ['the arbitrator removed while the peer is lost', conf('hv1 hv2', { arb: ARB.address }), conf('hv1 hv2'), running({ peers: ['hv2'], arbitrator: true }), 'half (1/2) and no arbitrator: web; not alive: hv2'],
  ['the arbitrator removed, both nodes running', conf('hv1 hv2', { arb: ARB.address }), conf('hv1 hv2'), running({ peers: ['hv2'], alive: ['hv2'], arbitrator: true }), '-'],
  ['quorum = true turned on in a minority', conf('hv1 hv2 hv3', { fence: false }), conf('hv1 hv2 hv3'), running({ peers: ['hv2', 'hv3'] }), 'minority (1/3): web; not alive: hv2,hv3'],
  ['only ha services up, warn or starting here are named', conf('hv1'), conf('hv1 hv2'), running({ services: { web: 'warn', db: 'starting', old: 'stopping', gone: 'down', batch: 'up', manual: 'up' } }), 'half (1/2) and no arbitrator: db,web; not alive: hv2'],
  ['nothing held here: nothing to stop', conf('hv1'), conf('hv1 hv2'), running({ services: { web: 'down' } }), '-'],
  ['a file without this node: the daemon does not reload it', conf('hv1'), conf('hv2 hv3'), running(), '-'],
  ['a value that does not parse: refused by the keyword check, not here', conf('hv1'), { cluster: { nodes: 'hv1 hv2', quorum: 'maybe' } }, running(), '-'],
];

test.each(CASES)('%s', (_, before, after, status, expected) => {
  const f = selfFence(before, after, status);
  expect(f ? `${f.verdict.reason}: ${f.services.join(',')}; not alive: ${f.notAlive.join(',')}` : '-').toBe(expected);
});

test.each([
  ['cluster', 'nodes', true],
  ['cluster', 'quorum', true],
  ['arbitrator#2', 'address', true],
  ['cluster', 'name', false],
  ['hb#1', 'timeout', false],
  ['ssh', 'addr@hv2', false],
] as const)('editing %s.%s decides quorum: %s', (section, key, expected) => {
  expect(decidesQuorum(section, key)).toBe(expected);
});
