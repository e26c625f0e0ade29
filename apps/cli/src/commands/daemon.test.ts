import { backendLines, fencingLines } from './daemon.js';

test.each<[string, Parameters<typeof fencingLines>[0], string[]]>([
  ['an agent from before stonith', undefined, []],
  ['nothing fenced', { fenced: {}, running: [], failing: {} }, []],
  [
    'fenced, fencing and failing',
    { fenced: { hv1: { agoMs: 12_340 } }, running: ['hv2'], failing: { hv3: { failures: 2, retryInMs: 8000, error: 'exit 1 (Unable to connect to the BMC)' } } },
    ['fenced: hv1 12.3 s ago, not heard of since', 'fencing: hv2, its fence command is running', 'FENCE FAILING: hv3, 2 time(s) in a row (exit 1 (Unable to connect to the BMC)), retry in 8.0 s: no takeover from hv3 until it succeeds'],
  ],
])('daemon status, fencing: %s', (_, fencing, lines) => expect(fencingLines(fencing)).toEqual(lines));

test.each<[string, Parameters<typeof backendLines>[0], string[]]>([
  [
    'heartbeats',
    { counters: { sent: 10, sendErrors: 1, received: 18, accepted: 17, rejected: { badMac: 1 } } },
    ['heartbeats: sent 10 (1 send errors), received 18, accepted 17, rejected badMac 1'],
  ],
  [
    'etcd, one endpoint hung',
    {
      backend: 'etcd',
      counters: { sent: 40 },
      endpoints: ['http://198.51.100.61:2379', 'http://198.51.100.62:2379'],
      endpointHealth: { 'http://198.51.100.61:2379': 'ok', 'http://198.51.100.62:2379': '4 DEADLINE_EXCEEDED: Deadline exceeded' },
      leaseTtlS: 3,
      leaseRemainingMs: 2400,
      revision: 812,
    },
    ['etcd: lease 2.4 s of 3 s left, revision 812 seen', '  http://198.51.100.61:2379: ok', '  http://198.51.100.62:2379: 4 DEADLINE_EXCEEDED: Deadline exceeded'],
  ],
  ['etcd, no lease', { backend: 'etcd', counters: { sent: 0 }, endpoints: ['http://e1:2379'], leaseTtlS: 3, leaseRemainingMs: 0 }, ['etcd: lease none, revision 0 seen', '  http://e1:2379: not asked yet']],
])('daemon status, backend: %s', (_, s, lines) => expect(backendLines(s)).toEqual(lines));
