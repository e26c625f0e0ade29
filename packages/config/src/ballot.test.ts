import fc from 'fast-check';
import { accept, compareBallots, highest, nextBallot, prepare, replicate, ZERO, type Acceptor } from './ballot.js';
import { child, versionKey } from './lineage.js';
import { contentHash } from './version.js';

test.each<[string, string, number]>([
  ['1.hv1', '2.hv1', -1],
  ['10.hv1', '9.hv2', 1],
  ['3.hv1', '3.hv2', -1],
  ['3.hv2', '3.hv2', 0],
  [ZERO, '1.hv1', -1],
])('compareBallots(%s, %s)', (a, b, d) => expect(compareBallots(a, b)).toBe(d));

test('the next ballot is above every ballot seen', () => expect(nextBallot('hv2', ['3.hv1', '7.hv3', ZERO])).toBe('8.hv2'));

/**
 * Single-decree Paxos per edit, on a model: proposers prepare and accept
 * over random subsets, crash between or within phases, nodes edit by hand,
 * replicate at random. At the end, after a full exchange: every version a
 * majority accepted at its ballot (chosen) is on every node's line.
 */
test('property: a version chosen by a majority is never dropped, whatever rounds were interrupted', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('propose' as const), node: fc.nat(4), promise: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), acceptors: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }) }),
    fc.record({ kind: fc.constant('replicate' as const), from: fc.nat(4), to: fc.nat(4) }),
    fc.record({ kind: fc.constant('hand' as const), node: fc.nat(4) }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 5 }), fc.array(op, { maxLength: 50 }), (n, ops) => {
      const base = child(undefined, contentHash('base'));
      const nodes: Acceptor[] = Array.from({ length: n }, () => ({ version: base, accepted: ZERO, promised: ZERO }));
      const majority = Math.floor(n / 2) + 1;
      const chosen: string[] = [];
      let serial = 0;
      for (const o of ops) {
        if (o.kind === 'replicate') {
          const [f, t] = [o.from % n, o.to % n];
          if (f !== t) nodes[t] = replicate(nodes[t]!, nodes[f]!.version, nodes[f]!.accepted);
          continue;
        }
        if (o.kind === 'hand') {
          const i = o.node % n;
          // A hand (or --local) edit: a child of the copy, at the ballot that copy was accepted at.
          nodes[i] = { ...nodes[i]!, version: child(nodes[i]!.version, contentHash(`hand ${serial++}`)) };
          continue;
        }
        const i = o.node % n;
        const b = nextBallot(`n${i}`, nodes.map((x) => x.promised));
        // Phase 1, over the voters reached (the proposer among them).
        const promised: number[] = [];
        for (let j = 0; j < n; j++) {
          if (j !== i && !o.promise[j]) continue;
          const r = prepare(nodes[j]!, b);
          nodes[j] = r.state;
          if (r.ok) promised.push(j);
        }
        if (promised.length < majority) continue;
        const top = highest(promised.map((j) => nodes[j]!))!;
        const v = child(top.version, contentHash(`edit ${serial++}`));
        // Phase 2, over the voters reached (a crash mid-round is a voter not reached).
        let accepted = 0;
        for (let j = 0; j < n; j++) {
          if (j !== i && !o.acceptors[j]) continue;
          const r = accept(nodes[j]!, v, b);
          nodes[j] = r.state;
          if (r.ok) accepted++;
        }
        if (accepted >= majority) chosen.push(versionKey(v));
      }
      for (let round = 0; round < n + 1; round++) for (let a = 0; a < n; a++) for (let c = 0; c < n; c++) if (a !== c) nodes[c] = replicate(nodes[c]!, nodes[a]!.version, nodes[a]!.accepted);
      for (const x of nodes) {
        const line = new Set([versionKey(x.version), ...(x.version.ancestors ?? [])]);
        for (const k of chosen) expect(line.has(k)).toBe(true);
      }
    }),
    { numRuns: Number(process.env['PROPERTY_RUNS'] ?? 3000) },
  );
});
