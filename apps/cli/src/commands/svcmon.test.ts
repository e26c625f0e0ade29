import { clusterRows, nodesLine } from './svcmon.js';

const inst = (avail: 'up' | 'down', csum: string, generation: number, frozen = false, kept = 0) => ({ avail, overall: avail, frozen, startFailed: false, csum, mtime: 0, generation, kept });
const policy = { name: 'web', topology: 'failover' as const, orchestrate: 'ha' as const, placement: 'nodes order', nodes: ['hv1', 'hv2', 'hv3'], flexMin: 1, failback: false, stonith: false };

test('one row per instance heard; leader is the first eligible node; a config older than the newest is stale; the target each node publishes', () => {
  const rows = clusterRows({
    node: 'hv2',
    quorum: { quorum: true, reason: 'majority' },
    policies: [policy],
    views: {
      hv1: { frozen: true, up: 0, peers: {}, services: { web: { ...inst('down', 'a', 1), target: 'stopped', targetGen: 2, targetBy: 'hv1', targetAt: '2026-01-01T00:00:00.000Z' } } },
      hv2: { frozen: false, up: 0, peers: {}, services: { web: inst('up', 'b', 2) } },
      hv3: { frozen: false, up: 0, peers: {}, services: { web: inst('down', 'b', 2, false, 1) } },
    },
  });
  expect(rows).toEqual([
    { service: 'web', node: 'hv1', avail: 'down', overall: 'down', frozen: true, leader: false, eligible: 'no: node frozen', config: 'stale', target: 'stopped', targetGen: 2 },
    { service: 'web', node: 'hv2', avail: 'up', overall: 'up', frozen: false, leader: true, eligible: 'yes', config: 'ok', target: '-' },
    { service: 'web', node: 'hv3', avail: 'down', overall: 'down', frozen: false, leader: false, eligible: 'yes', config: 'ok, 1 kept', target: '-' },
  ]);
});

test.each([
  ['node frozen', { frozen: true }, {}, 'no: node frozen'],
  ['instance frozen', {}, { frozen: true }, 'no: frozen'],
  ['start failed, with its backoff', {}, { startFailed: true, retryInMs: 39_200 }, 'no: start failed, retry in 40 s'],
  ['start failed', {}, { startFailed: true }, 'no: start failed'],
  ['none of these', {}, {}, 'yes'],
])('eligible: %s', (_, node, instance, expected) => {
  const rows = clusterRows({
    node: 'hv1',
    quorum: { quorum: true, reason: 'majority' },
    policies: [policy],
    views: { hv1: { frozen: false, up: 0, peers: {}, ...node, services: { web: { ...inst('down', 'a', 1), ...instance } } } },
  });
  expect(rows[0]!.eligible).toBe(expected);
});

test.each(['constructor', 'toString', 'hasOwnProperty'])('a service named %s on one node only: one row, the other nodes have none', (name) => {
  const rows = clusterRows({
    node: 'hv1',
    quorum: { quorum: true, reason: 'majority' },
    policies: [{ ...policy, name }],
    views: { hv1: { frozen: false, up: 0, peers: {}, services: { [name]: inst('up', 'a', 1) } }, hv2: { frozen: false, up: 0, peers: {}, services: {} } },
  });
  // hv3, a node of the service not heard, is a lost row; hv2 heard without a copy has none.
  expect(rows.map((r) => [r.service, r.node, r.avail])).toEqual([
    [name, 'hv1', 'up'],
    [name, 'hv3', 'lost'],
  ]);
});

test('a node of the service the daemon does not hear is a row of its own, and the nodes line says it lost', () => {
  const d = {
    node: 'hv1',
    quorum: { quorum: true, reason: 'majority (2/3)' },
    policies: [policy],
    peers: { hv2: { alive: true }, hv3: { alive: false, reason: 'silent for 4.2 s' } },
    views: {
      hv1: { frozen: false, up: 0, peers: {}, services: { web: inst('up', 'a', 1) } },
      hv2: { frozen: true, up: 0, peers: {}, services: { web: inst('down', 'a', 1) } },
    },
  };
  expect(clusterRows(d).map((r) => [r.node, r.avail, r.eligible])).toEqual([
    ['hv1', 'up', 'yes'],
    ['hv2', 'down', 'no: node frozen'],
    ['hv3', 'lost', 'no: silent for 4.2 s'],
  ]);
  expect(nodesLine(d)).toBe('nodes: hv1 up, hv2 up frozen, hv3 LOST (silent for 4.2 s)');
});
