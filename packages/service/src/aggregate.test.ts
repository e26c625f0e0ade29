import type { Status } from '@capsule/core';
import { aggregate } from './aggregate.js';
import type { EncapStatus, ResourceStatusEntry } from './status-schema.js';

const r = (rid: string, status: Status): [string, ResourceStatusEntry] => [rid, { rid, group: rid.split('#')[0]!, status, label: '', flags: '....', log: [], standby: false, tags: [] }];
const enc = (avail: Status, overall: Status): EncapStatus => ({ guest: 'g', avail, overall, resources: {} });

test.each<[string, Array<[string, Status]>, Record<string, EncapStatus>, Status, Status]>([
  ['all up', [['ip#1', 'up'], ['fs#1', 'up']], {}, 'up', 'up'],
  ['one down makes warn', [['ip#1', 'up'], ['fs#1', 'down']], {}, 'warn', 'warn'],
  ['app n/a is neutral', [['ip#1', 'up'], ['app#1', 'n/a']], {}, 'up', 'up'],
  ['accessory sync counts in overall only', [['ip#1', 'up'], ['sync#i0', 'down']], {}, 'up', 'warn'],
  ['no resources is n/a', [], {}, 'n/a', 'n/a'],
  ['a guest avail merges into the hypervisor', [['container#0', 'up']], { 'container#0': enc('down', 'down') }, 'warn', 'warn'],
  ['guest up', [['container#0', 'up']], { 'container#0': enc('up', 'up') }, 'up', 'up'],
  ['all down', [['container#0', 'down']], { 'container#0': enc('down', 'down') }, 'down', 'down'],
  ['a standby container (farmed-failover: its guest runs elsewhere) is no fault', [['container#0', 'up']], { 'container#0': { ...enc('down', 'down'), elsewhere: 'vm1' } }, 'up', 'up'],
])('%s', (_w, list, encap, avail, overall) => {
  const a = aggregate(Object.fromEntries(list.map(([rid, s]) => r(rid, s))), encap);
  expect([a.avail, a.overall]).toEqual([avail, overall]);
  expect(a.groups['hb']).toBe('n/a');
});
