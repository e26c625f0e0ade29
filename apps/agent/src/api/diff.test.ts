import type { InstanceView } from '@capsule/cluster';
import { seenEvents } from './diff.js';

const inst = (avail: InstanceView['avail'], extra: Partial<InstanceView> = {}): InstanceView => ({ avail, overall: avail, frozen: false, startFailed: false, csum: 'c', mtime: 0, generation: 1, ...extra });
const node = (services: Record<string, InstanceView>) => ({ frozen: false, up: 1000, peers: {}, services });

test('first reading: every instance is news; no node is lost or back', () => {
  expect(seenEvents(undefined, { alive: ['hv1'], views: { hv1: node({ web: inst('up') }) } })).toEqual([{ kind: 'status', service: 'web', node: 'hv1', avail: 'up', overall: 'up', frozen: false, startFailed: false, generation: 1 }]);
});

test.each([
  ['nothing changed but the checksum and the uptime', { hv1: node({ web: inst('up', { csum: 'd', mtime: 5 }) }) }, ['hv1'], []],
  ['a new config generation', { hv1: node({ web: inst('up', { generation: 2 }) }) }, ['hv1'], [{ kind: 'status', service: 'web', node: 'hv1', avail: 'up', overall: 'up', frozen: false, startFailed: false, generation: 2 }]],
  ['web stopping', { hv1: node({ web: inst('stopping') }) }, ['hv1'], [{ kind: 'status', service: 'web', node: 'hv1', avail: 'stopping', overall: 'stopping', frozen: false, startFailed: false, generation: 1 }]],
  ['a target set', { hv1: node({ web: inst('up', { target: 'stopped' }) }) }, ['hv1'], [{ kind: 'status', service: 'web', node: 'hv1', avail: 'up', overall: 'up', frozen: false, startFailed: false, target: 'stopped', generation: 1 }]],
  ['web deleted', { hv1: node({}) }, ['hv1'], [{ kind: 'status-gone', service: 'web', node: 'hv1' }]],
  ['hv1 lost', {}, [], [{ kind: 'node', node: 'hv1', state: 'lost', reason: 'silent 3.1 s' }, { kind: 'status-gone', service: 'web', node: 'hv1' }]],
])('%s', (_, views, alive, events) => {
  const before = { alive: ['hv1'], views: { hv1: node({ web: inst('up') }) } };
  expect(seenEvents(before, { alive, views }, { hv1: 'silent 3.1 s' })).toEqual(events);
});

test('a node back: its instances are news', () => {
  expect(seenEvents({ alive: [], views: {} }, { alive: ['hv2'], views: { hv2: node({ web: inst('down') }) } })).toEqual([
    { kind: 'node', node: 'hv2', state: 'back' },
    { kind: 'status', service: 'web', node: 'hv2', avail: 'down', overall: 'down', frozen: false, startFailed: false, generation: 1 },
  ]);
});
