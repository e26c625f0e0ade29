import fc from 'fast-check';
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

test('diverged: the line with an acknowledged edit the other lacks prevails, else the higher generation, else the hash', () => {
  const ackedRight = markAcked(right, versionKey(right));
  expect(prevails(ackedRight, left2)).toBe(true);
  expect(prevails(left2, ackedRight)).toBe(false);
  expect(prevails(left2, right)).toBe(true);
  expect(prevails(left, right)).toBe(left.hash > right.hash);
  expect(prevails(right, left)).toBe(right.hash > left.hash);
  // An acknowledgement both lines share decides nothing.
  const ackedBase = markAcked(base, versionKey(base));
  expect(prevails(child(ackedBase, h('r')), child(child(ackedBase, h('l')), h('l2')))).toBe(false);
});

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

/**
 * The rule of docs/architecture.md ("No acknowledged edit is lost"), on a
 * model: nodes edit, acknowledge with a majority of stores and then of
 * marks, pull and push between random subsets (partitions), in any order.
 * Once every node has exchanged with every other, all hold the same copy and
 * every acknowledged edit is on its line.
 */
test('property: every node converges on one copy that carries every acknowledged edit', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('edit' as const), node: fc.nat(4), reach: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), marks: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), prefetch: fc.boolean() }),
    fc.record({ kind: fc.constant('push' as const), from: fc.nat(4), to: fc.nat(4) }),
  );
  fc.assert(
    // Two and three nodes, marks lost on the way: what the rule holds for. With four or more nodes, or an editor
    // dying between its peers' marks and its own, it does not (the documented gap; ballots planned).
    fc.property(fc.integer({ min: 2, max: 3 }), fc.array(op, { maxLength: 60 }), (n, ops) => {
      const heads: (ConfigVersion | undefined)[] = Array.from({ length: n }, () => base);
      const majority = Math.floor(n / 2) + 1;
      const install = (to: number, v: ConfigVersion) => {
        const cur = heads[to]!;
        heads[to] = supersedes(v, cur) ? withAcks(v, cur) : withAcks(cur, v);
      };
      const acked: string[] = [];
      let serial = 0;
      for (const o of ops) {
        if (o.kind === 'push') {
          if (o.from % n !== o.to % n) install(o.to % n, heads[o.from % n]!);
          continue;
        }
        const i = o.node % n;
        const reach = [...Array(n).keys()].filter((j) => j === i || o.reach[j]);
        if (o.prefetch) for (const j of reach) if (j !== i) install(i, heads[j]!);
        const e = child(heads[i], h(`edit ${serial++}`));
        heads[i] = e;
        for (const j of reach) if (j !== i) install(j, e);
        const holds = (j: number) => ['same', 'descends'].includes(relate(heads[j]!, e));
        if (reach.filter(holds).length < majority) continue;
        // The peers' marks first, some of them lost (o.marks); this node marks last, only with a majority.
        const key = versionKey(e);
        let count = 0;
        for (const j of reach) {
          if (j === i || !holds(j) || !o.marks[j]) continue;
          heads[j] = markAcked(heads[j]!, key);
          if (heads[j]!.acked?.includes(key)) count++;
        }
        // (An editor dying between its peers' marks and its own is the documented gap: not modelled here.)
        if (count + 1 < majority) continue;
        heads[i] = markAcked(heads[i]!, key);
        if (heads[i]!.acked?.includes(key)) acked.push(key);
      }
      for (let round = 0; round < n + 1; round++) for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b) install(b, heads[a]!);
      const final = heads[0]!;
      for (const v of heads) expect(v!.hash).toBe(final.hash);
      const line = new Set([versionKey(final), ...(final.ancestors ?? [])]);
      for (const k of acked) expect(line.has(k)).toBe(true);
    }),
    { numRuns: Number(process.env['PROPERTY_RUNS'] ?? 3000) },
  );
});
