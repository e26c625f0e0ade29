// The placement rules between services, on hand-made views.
import { affinityOrder, childrenUp, flexWanted, parentsDown } from './relations.js';
import type { NodeView } from './view.js';

type Avail = 'up' | 'down' | 'warn' | 'starting' | 'stopping' | 'n/a';
/** Views where `held[node][service]` is that instance's avail. */
function views(held: Record<string, Record<string, Avail>>): Record<string, NodeView> {
  return Object.fromEntries(Object.entries(held).map(([n, s]) => [n, { up: 1, peers: {}, services: Object.fromEntries(Object.entries(s).map(([name, avail]) => [name, { avail, overall: avail }])) } as unknown as NodeView]));
}

const alive = ['hv1', 'hv2', 'hv3'];

test.each<[string, string[], Record<string, Record<string, Avail>>, string[]]>([
  ['a parent up on any node', ['db'], { hv2: { db: 'up' } }, []],
  ['a parent only starting is not up yet', ['db'], { hv2: { db: 'starting' } }, ['db']],
  ['a parent in warn is not up (OpenSVC: avail up)', ['db'], { hv2: { db: 'warn' } }, ['db']],
  ['a parent up on a lost node does not count', ['db'], { hv4: { db: 'up' } }, ['db']],
  ['svc@node: up on that node', ['db@hv2'], { hv2: { db: 'up' } }, []],
  ['svc@node: up elsewhere only', ['db@hv2'], { hv1: { db: 'up' } }, ['db@hv2']],
  ['no parents', [], {}, []],
])('parents: %s', (_what, parents, held, down) => {
  expect(parentsDown({ parents }, alive, views(held))).toEqual(down);
});

test.each<[string, Record<string, Record<string, Avail>>, string[]]>([
  ['a child up holds the stop back', { hv3: { web: 'up' } }, ['web']],
  ['a child stopping too', { hv3: { web: 'stopping' } }, ['web']],
  ['a child down everywhere', { hv1: { web: 'down' }, hv3: { web: 'n/a' } }, []],
  ['a child on a lost node does not hold it back', { hv4: { web: 'up' } }, []],
])('children: %s', (_what, held, up) => {
  expect(childrenUp({ children: ['web'] }, alive, views(held))).toEqual(up);
});

test.each<[string, object, Record<string, Record<string, Avail>>, Record<string, string>, string[]]>([
  ['hard affinity keeps only the nodes running it', { hardAffinity: ['db'] }, { hv2: { db: 'up' } }, {}, ['hv2']],
  ['hard affinity: none runs it, no node', { hardAffinity: ['db'] }, {}, {}, []],
  ['hard anti-affinity drops its nodes', { hardAntiAffinity: ['db'] }, { hv1: { db: 'warn' } }, {}, ['hv2', 'hv3']],
  ['a service placed this round counts where it is placed', { hardAffinity: ['db'] }, {}, { db: 'hv3' }, ['hv3']],
  ['soft affinity puts its nodes first', { softAffinity: ['db'] }, { hv3: { db: 'up' } }, {}, ['hv3', 'hv1', 'hv2']],
  ['soft affinity satisfied nowhere leaves the order', { softAffinity: ['db'] }, {}, {}, ['hv1', 'hv2', 'hv3']],
  ['soft anti-affinity puts its nodes last', { softAntiAffinity: ['db'] }, { hv1: { db: 'up' } }, {}, ['hv2', 'hv3', 'hv1']],
  ['both soft rules', { softAffinity: ['a'], softAntiAffinity: ['b'] }, { hv1: { b: 'up' }, hv2: { a: 'up', b: 'up' }, hv3: { a: 'up' } }, {}, ['hv3', 'hv2', 'hv1']],
  ['no rules: the placement order', {}, { hv1: { db: 'up' } }, {}, ['hv1', 'hv2', 'hv3']],
])('affinity: %s', (_what, rules, held, planned, order) => {
  expect(affinityOrder({ name: 'web', ...rules }, alive, views(held), new Map(Object.entries(planned)))).toEqual(order);
});

test.each<[string, object, number]>([
  ['flex_min by default', { flexMin: 2, flexMax: 4 }, 2],
  ['flex_target between min and max', { flexMin: 1, flexMax: 4, flexTarget: 3 }, 3],
  ['flex_target above max: max', { flexMin: 1, flexMax: 2, flexTarget: 3 }, 2],
  ['flex_target below min: min', { flexMin: 2, flexMax: 3, flexTarget: 1 }, 2],
  ['no max: the number of nodes', { flexMin: 1, flexTarget: 9 }, 3],
])('flex wanted: %s', (_what, f, n) => {
  expect(flexWanted({ nodes: alive, flexMin: 1, ...f })).toBe(n);
});
