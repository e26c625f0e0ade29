import { instancesOf, renderInstances, type DaemonStatusView } from './instances.js';

const inst = (avail: 'up' | 'down', generation: number, target?: 'started' | 'stopped') => ({ avail, overall: avail, frozen: false, startFailed: false, csum: 'x', mtime: 0, generation, ...(target ? { target } : {}) });
const policy = { name: 'web', topology: 'failover' as const, orchestrate: 'ha' as const, placement: 'nodes order', nodes: ['hv1', 'hv2', 'hv3', 'hv4'], flexMin: 1, failback: false, stonith: false };

test("every node of the service: its instance, no copy, or lost with the daemon's reason; text and JSON", () => {
  const d: DaemonStatusView = {
    node: 'hv1',
    quorum: { quorum: true, reason: 'majority (3/4)' },
    policies: [policy],
    peers: { hv2: { alive: true }, hv3: { alive: true }, hv4: { alive: false, reason: 'silent for 5.0 s' } },
    views: {
      hv1: { frozen: false, up: 0, peers: {}, services: { web: inst('down', 3, 'started') } },
      hv2: { frozen: true, up: 0, peers: {}, services: { web: inst('up', 3, 'started') } },
      hv3: { frozen: false, up: 0, peers: {}, services: {} },
    },
  };
  const list = instancesOf('web', d);
  expect(list).toEqual([
    { node: 'hv1', state: 'heard', avail: 'down', overall: 'down', frozen: false, target: 'started', generation: 3 },
    { node: 'hv2', state: 'heard', avail: 'up', overall: 'up', frozen: true, target: 'started', generation: 3 },
    { node: 'hv3', state: 'no copy' },
    { node: 'hv4', state: 'lost', reason: 'silent for 5.0 s' },
  ]);
  expect(renderInstances(d, list)).toBe(
    [
      "instances, as hv1's daemon hears them (quorum):",
      '  NODE  AVAIL  OVERALL             TARGET   FROZEN  CONFIG GEN',
      '  hv1   down   down                started  -       3',
      '  hv2   up     up                  started  frozen  3',
      '  hv3   -      no copy',
      '  hv4   LOST   (silent for 5.0 s)',
      '',
    ].join('\n'),
  );
});
