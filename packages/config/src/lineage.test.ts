import { child, markAcked, merged, prevails, relate, supersedes, versionKey, withAcks, type Relation } from './lineage.js';
import { contentHash, type ConfigVersion } from './version.js';

const h = (s: string) => contentHash(s);
const base = child(undefined, h('base'));
const left = child(base, h('left'));
const left2 = child(left, h('left2'));
const right = child(base, h('right'));
const legacy = (generation: number, s: string): ConfigVersion => ({ generation, hash: h(s) });

test.each<[string, ConfigVersion, ConfigVersion, Relation]>([
  ['the same content', left, { ...left, generation: 9 }, 'same'],
  ['a child', left, base, 'descends'],
  ['a grandchild', left2, base, 'descends'],
  ['an ancestor', base, left2, 'precedes'],
  ['two edits of one version', left, right, 'diverged'],
  ['a record older than lineage, behind', left2, legacy(1, 'old'), 'descends'],
  ['a record older than lineage, same generation', legacy(2, 'x'), left, 'diverged'],
])('relate: %s', (_what, a, b, r) => expect(relate(a, b)).toBe(r));

test('diverged: the copy accepted at the higher ballot prevails, else the higher generation, else the hash', () => {
  const voted = { ...right, ballot: '2.hv1' };
  expect(prevails(voted, { ...left2, ballot: '1.hv3' })).toBe(true);
  expect(prevails(left2, voted)).toBe(false);
  expect(prevails(left2, right)).toBe(true);
  expect(prevails(left, right)).toBe(left.hash > right.hash);
  expect(prevails(right, left)).toBe(right.hash > left.hash);
});

test('an edit outside a vote stands at its parent\'s ballot', () => expect(child({ ...base, ballot: '3.hv2' }, h('x')).ballot).toBe('3.hv2'));

test('a child keeps its parent line and acknowledgements; marks off the line are ignored', () => {
  const a = markAcked(base, versionKey(base));
  const c = child(a, h('c'));
  expect(c).toMatchObject({ generation: 2, ancestors: [versionKey(base)], acked: [versionKey(base)] });
  expect(markAcked(c, versionKey(right)).acked).toEqual([versionKey(base)]);
  expect(withAcks(left, a).acked).toEqual([versionKey(base)]);
});

test('a merge descends from every version it merges, so it replaces each of them everywhere', () => {
  const m = merged(left.hash, [left2, right]);
  expect(m.generation).toBe(4);
  for (const v of [left2, right, base]) expect(supersedes(m, v)).toBe(true);
});
