import { chooseMembers, chooseNode, editSchedule, ETCD_FAULT_KINDS, FAULT_KINDS, FAULT_MS, faultSchedule, PAUSE_MS, type FaultPlan } from './schedule.js';

const take = <T>(g: Generator<T, never>, n: number) => Array.from({ length: n }, () => g.next().value);

test('the same seed gives the same schedule, another seed another', () => {
  expect(take(faultSchedule(42), 50)).toEqual(take(faultSchedule(42), 50));
  expect(take(faultSchedule(42), 50)).not.toEqual(take(faultSchedule(43), 50));
  expect(take(editSchedule(42), 20)).toEqual(take(editSchedule(42), 20));
});

test('every plan is within its kind\'s bounds; every kind once in every five; about half aimed at the holder', () => {
  const plans: FaultPlan[] = take(faultSchedule(1), 2000);
  for (const p of plans) {
    const [min, max] = FAULT_MS[p.kind];
    expect(p.durationMs).toBeGreaterThanOrEqual(min);
    expect(p.durationMs).toBeLessThanOrEqual(max);
    expect(p.loss).toBeGreaterThanOrEqual(0.1);
    expect(p.loss).toBeLessThanOrEqual(0.6);
    expect(p.pauseAfterMs).toBeGreaterThanOrEqual(PAUSE_MS[0]);
    expect(p.pauseAfterMs).toBeLessThanOrEqual(PAUSE_MS[1]);
  }
  // Every round of five holds each kind once.
  for (let i = 0; i < plans.length; i += 5) expect(plans.slice(i, i + 5).map((p) => p.kind).sort()).toEqual([...FAULT_KINDS].sort());
  expect(Math.abs(plans.filter((p) => p.onHolder).length - 1000)).toBeLessThan(100);
});

test('edits come every 15 to 25 s, three in four aimed at the holder', () => {
  const plans = take(editSchedule(5), 2000);
  for (const p of plans) expect(p.afterMs >= 15_000 && p.afterMs <= 25_000).toBe(true);
  expect(Math.abs(plans.filter((p) => p.onHolder).length - 1500)).toBeLessThan(100);
});

describe('chooseNode', () => {
  const nodes = ['hv1', 'hv2', 'hv3'];
  test.each([
    ['aimed at the holder', { onHolder: true, pick: 0.9 }, 'hv2', nodes, 'hv2'],
    ['not aimed: the first of the others', { onHolder: false, pick: 0 }, 'hv2', nodes, 'hv1'],
    ['not aimed: the last of the others', { onHolder: false, pick: 0.99 }, 'hv2', nodes, 'hv3'],
    ['aimed, but nobody holds: any node', { onHolder: true, pick: 0.5 }, undefined, nodes, 'hv2'],
    ['aimed, but the holder is not a candidate (powered off)', { onHolder: true, pick: 0 }, 'hv1', ['hv2', 'hv3'], 'hv2'],
    ['the holder is the only candidate', { onHolder: false, pick: 0.5 }, 'hv1', ['hv1'], 'hv1'],
  ])('%s', (_, plan, holder, candidates, expected) => expect(chooseNode(plan, holder, candidates)).toBe(expected));
  test('no candidate, no node', () => expect(chooseNode({ onHolder: false, pick: 0 }, undefined, [])).toBeUndefined());
});

test('on etcd, every round holds every kind once, the store faults included', () => {
  const plans = take(faultSchedule(9, ETCD_FAULT_KINDS), 900);
  const n = ETCD_FAULT_KINDS.length;
  for (let i = 0; i < plans.length; i += n) expect(plans.slice(i, i + n).map((p) => p.kind).sort()).toEqual([...ETCD_FAULT_KINDS].sort());
});

test.each([
  ['etcd-kill', 0, ['etcd1']],
  ['etcd-pause', 0.99, ['etcd3']],
  ['etcd-quorum', 0.5, ['etcd2', 'etcd3']],
  ['etcd-quorum', 0.9, ['etcd3', 'etcd1']],
] as const)('%s with pick %d hits %j', (kind, pick, expected) => expect(chooseMembers(kind, pick, ['etcd1', 'etcd2', 'etcd3'])).toEqual(expected));
