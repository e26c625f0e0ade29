import { analyze, outcome, stat, type FaultRecord, type RunRecord } from './analysis.js';
import type { Probe } from './prober.js';
import { renderReport } from './render.js';
import { ETCD_FAULT_KINDS, FAULT_KINDS } from './schedule.js';

/** A probe every 100 ms from `from` to `to`, answered by whoever `who(t)` names (undefined: a timeout). */
function probes(from: number, to: number, who: (t: number) => string | undefined): Probe[] {
  const out: Probe[] = [];
  for (let t = from; t < to; t += 100) {
    const node = who(t);
    out.push(node ? { start: t, end: t + 5, node } : { start: t, end: t + 300, error: 'timeout' });
  }
  return out;
}

// hv1 holds until its power-off at 1 s; silence until hv2 answers at 8 s; hv2's agent killed at 15 s, a blip
// from 16 s to 16.5 s, hv2 again; a partition of hv3 at 20 s after which hv1 answers (asked by nobody).
const seen = probes(0, 30_000, (t) => (t < 1000 ? 'hv1' : t < 8000 ? undefined : t < 16_000 ? 'hv2' : t < 16_500 ? undefined : t < 21_000 ? 'hv2' : 'hv1'));
const faults: FaultRecord[] = [
  { kind: 'power-off', node: 'hv1', holder: 'hv1', injectedAt: 1000, healedAt: 6000 },
  { kind: 'loss', node: 'hv3', holder: 'hv2', injectedAt: 10_000, healedAt: 12_000, loss: 0.3 },
  { kind: 'kill', node: 'hv2', holder: 'hv2', injectedAt: 15_000, healedAt: 15_500 },
  { kind: 'partition', node: 'hv3', holder: 'hv2', injectedAt: 20_000, healedAt: 25_000 },
];
const record: RunRecord = {
  seed: 42,
  durationMs: 30_000,
  arbitrator: false,
  backend: 'hb',
  kinds: FAULT_KINDS,
  from: 0,
  to: 30_000,
  faults,
  probes: seen,
  doubles: [{ start: 21_000, end: 21_200, nodes: ['hv1', 'hv2'] }],
  edits: [
    { k: 1, node: 'hv2', onHolder: true, at: 9000, acknowledged: true },
    { k: 2, node: 'hv3', onHolder: false, at: 11_000, acknowledged: false, error: 'exit 1' },
  ],
  lost: [{ k: 1, node: 'hv2', onHolder: true, at: 9000, acknowledged: true, missingOn: ['hv1'] }],
  settle: { lagging: [], converged: true, serving: 'hv1' },
};

test.each([
  [[], { median: 0, max: 0 }],
  [[5], { median: 5, max: 5 }],
  [[3, 1, 2], { median: 2, max: 3 }],
  [[4, 1, 2, 3], { median: 2.5, max: 4 }],
])('stat of %j', (values, expected) => expect(stat(values)).toEqual(expected));

describe('one fault, as the client saw it over its window', () => {
  test('the holder powered off: outage and failover until another node answers', () => {
    expect(outcome(faults[0]!, 10_000, seen)).toMatchObject({ onHolder: true, outageMs: 7005, unrecovered: false, failoverMs: 7005, movedTo: 'hv2' });
  });
  test('no failed probe: no outage, no move', () => {
    expect(outcome(faults[1]!, 15_000, seen)).toEqual({ ...faults[1], onHolder: false, outageMs: 0, unrecovered: false });
  });
  test('the holder came back itself: an outage, no failover', () => {
    const o = outcome(faults[2]!, 20_000, seen);
    expect(o).toMatchObject({ onHolder: true, outageMs: 1505, unrecovered: false });
    expect(o.failoverMs).toBeUndefined();
    expect(o.movedTo).toBeUndefined();
  });
  test('no answer before the window ends: the outage runs to its end, unrecovered', () => {
    expect(outcome(faults[0]!, 5000, seen)).toMatchObject({ outageMs: 4000, unrecovered: true });
  });
});

test('the report: counts per kind, double holds, unasked moves, lost edits, the verdict', () => {
  const r = analyze(record);
  expect(r.faults).toEqual({ total: 4, byKind: { 'power-off': 1, kill: 1, pause: 0, partition: 1, loss: 1 } });
  expect(r.doubleHolds).toMatchObject({ count: 1, totalMs: 200, maxMs: 200 });
  expect(r.perKind['power-off']).toEqual({ count: 1, onHolder: 1, outage: { median: 7005, max: 7005 }, failover: { asked: 1, moved: 1, median: 7005, max: 7005 } });
  expect(r.perKind.kill!.failover).toEqual({ asked: 1, moved: 0 });
  expect(r.perKind.loss!.failover).toBeUndefined();
  expect(r.unaskedMoves.map((o) => [o.kind, o.node, o.movedTo])).toEqual([['partition', 'hv3', 'hv1']]);
  expect(r.edits).toMatchObject({ tried: 2, acknowledged: 1, failed: 1 });
  expect(r.ok).toBe(false);
  expect(r.findings).toEqual(['double hold: hv1 and hv2 for 200 ms from 1970-01-01T00:00:21.000Z', 'lost edit: nemesis_1, acknowledged on hv2 (the holder) at 1970-01-01T00:00:09.000Z, missing on hv1']);
});

test('the text report', () => {
  const r = analyze(record);
  r.doubleHolds.episodes[0]!.events = ['hv2.agent: 1970-01-01T00:00:20.900Z start web: placement leader of hv2,hv3'];
  expect(renderReport(r)).toMatchInlineSnapshot(`
    "capsule nemesis, seed 42: 0m30s of faults on 3 nodes (run 0m30s)
    verdict: FAIL
      double hold: hv1 and hv2 for 200 ms from 1970-01-01T00:00:21.000Z
      lost edit: nemesis_1, acknowledged on hv2 (the holder) at 1970-01-01T00:00:09.000Z, missing on hv1

    faults: 4 (power-off 1, kill 1, pause 0, partition 1, loss 1)
    double holds: 1, total 0.2 s, longest 0.2 s
    edits: 1 acknowledged, 1 failed, 1 lost
    moves after a fault that spared the holder: partition of hv3, hv2 -> hv1

    kind        count  holder  client outage median / max  failover median / max (moved / holder faults)
    power-off   1      1       7.0 s / 7.0 s               7.0 s / 7.0 s (1 / 1)
    kill        1      1       1.5 s / 1.5 s               - (0 / 1)
    pause       0      0       -                           -
    partition   1      0       0.0 s / 0.0 s               - (0 / 0)
    loss        1      0       0.0 s / 0.0 s               -

    every fault (time since the first, kind, node, how long, what the client saw):
      +1.0 s    power-off   hv1 (holder)  5.0 s   outage 7.0 s, failover 7.0 s, now on hv2
      +10.0 s   loss 30 %   hv3           2.0 s   outage 0.0 s
      +15.0 s   kill        hv2 (holder)  0.5 s   outage 1.5 s
      +20.0 s   partition   hv3           5.0 s   outage 0.0 s, now on hv1

    double hold 1 (hv1, hv2, 0.2 s from +21.0 s), the logs around it:
      hv2.agent: 1970-01-01T00:00:20.900Z start web: placement leader of hv2,hv3
    lost edit nemesis_1: acknowledged on hv2 (holder) at +9.0 s, missing on hv1
    "
  `);
});

test('on etcd: the store faults are counted, a cut from etcd is a failover, faults on members are nobody\'s holder', () => {
  const r = analyze({
    ...record,
    backend: 'etcd',
    kinds: ETCD_FAULT_KINDS,
    doubles: [],
    lost: [],
    faults: [
      { kind: 'etcd-cut', node: 'hv1', holder: 'hv1', injectedAt: 1000, healedAt: 6000 },
      { kind: 'etcd-quorum', node: 'etcd1+etcd2', holder: 'hv2', injectedAt: 10_000, healedAt: 12_000 },
    ],
  });
  expect(r.ok).toBe(true);
  expect(r.faults.byKind).toMatchObject({ 'etcd-cut': 1, 'etcd-quorum': 1, 'etcd-kill': 0, kill: 0 });
  expect(r.perKind['etcd-cut']!.failover).toEqual({ asked: 1, moved: 1, median: 7005, max: 7005 });
  expect(r.log[1]).toMatchObject({ onHolder: false, node: 'etcd1+etcd2' });
  expect(renderReport(r)).toMatch(/on 3 nodes on a three-member etcd .*\n[^]*faults: 2 \(power-off 0, kill 0, pause 0, partition 0, loss 0, etcd-cut 1, etcd-kill 0, etcd-pause 0, etcd-quorum 1\)/);
});
