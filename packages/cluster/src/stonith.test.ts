import { lastWordMs, type Heard } from './membership.js';
import { fenceBackoffMs, fenceBeforeStart, stillFenced, type FenceInput } from './stonith.js';

const svc = { nodes: ['hv1', 'hv2', 'hv3', 'hv4'] };
const base: FenceInput & { alive: string[]; settled: boolean } = { alive: ['hv2', 'hv3'], settled: true, timeoutMs: 3000, lastWordMs: { hv1: 3000, hv4: Infinity }, fenced: [] };

test.each<[string, Partial<typeof base>, ReturnType<typeof fenceBeforeStart>]>([
  ['every node outside lost: all fenced, the never-heard one too', {}, { action: 'fence', nodes: ['hv1', 'hv4'], reason: 'stonith: leader, hv1 unheard for 3.0 s, hv4 never heard' }],
  ['one already fenced: the other', { fenced: ['hv4'] }, { action: 'fence', nodes: ['hv1'], reason: 'stonith: leader, hv1 unheard for 3.0 s' }],
  ['every node outside fenced: the start may go on', { fenced: ['hv1', 'hv4'] }, undefined],
  ['nobody outside: nothing to fence', { alive: ['hv1', 'hv2', 'hv3', 'hv4'] }, undefined],
  ['a member heard hv1 within the timeout: not lost, hv4 only', { lastWordMs: { hv1: 2999, hv4: Infinity } }, { action: 'fence', nodes: ['hv4'], reason: 'stonith: leader, hv4 never heard' }],
  ['no node outside lost yet: wait', { lastWordMs: { hv1: 100, hv4: 2000 } }, 'wait'],
  ['no word known of a node: taken as heard (never fenced on no data)', { lastWordMs: { hv4: Infinity } }, { action: 'fence', nodes: ['hv4'], reason: 'stonith: leader, hv4 never heard' }],
  ['views not settled: wait, even with nodes lost', { settled: false }, 'wait'],
  ['views not settled, but every node outside fenced: nothing to fence', { settled: false, fenced: ['hv1', 'hv4'] }, undefined],
])('fenceBeforeStart: %s', (_, over, expected) => {
  expect(fenceBeforeStart(svc, { ...base, ...over }, 'leader')).toEqual(expected);
});

test.each<[string, Record<string, number>, string[], Record<string, number>, number, string[]]>([
  ['unheard since the fence: still fenced', { hv1: 10_000 }, ['hv2'], { hv1: 5000 }, 12_000, ['hv1']],
  ['heard exactly at the fence: still fenced', { hv1: 10_000 }, ['hv2'], { hv1: 2000 }, 12_000, ['hv1']],
  ['heard after the fence: void', { hv1: 10_000 }, ['hv2'], { hv1: 1999 }, 12_000, []],
  ['alive again: void', { hv1: 10_000 }, ['hv1', 'hv2'], {}, 12_000, []],
  ['no word of it known: void (forgetting is the safe side)', { hv1: 10_000 }, ['hv2'], {}, 12_000, []],
  ['each on its own', { hv1: 10_000, hv3: 11_000 }, ['hv2'], { hv1: 100, hv3: Infinity }, 12_000, ['hv3']],
])('stillFenced: %s', (_, fences, alive, word, now, expected) => {
  expect(stillFenced(new Map(Object.entries(fences)), alive, word, now)).toEqual(expected);
});

test.each([
  [1, 5000],
  [2, 10_000],
  [4, 40_000],
  [5, 60_000],
  [30, 60_000],
])('fenceBackoffMs(%i) = %i', (failures, ms) => expect(fenceBackoffMs(failures)).toBe(ms));

describe('lastWordMs', () => {
  const view = (peers: Record<string, [number, number]>) => ({ frozen: false, up: 60_000, peers, services: {} });
  const heard = (at: number, peers: Record<string, [number, number]>): Heard => ({ at, seq: 1, view: view(peers) });
  test.each<[string, Array<[string, Heard]>, string[], number]>([
    ['never heard by anyone', [['hv2', heard(9000, {})]], ['hv1', 'hv2'], Infinity],
    ['heard by this node only', [['hv3', heard(4000, {})]], ['hv1'], 6000],
    // hv2's view arrived at 9000 saying it heard hv3 500 ms before sending: 1500 ms ago on this clock.
    ["a member's report, aged by its view's age", [['hv3', heard(4000, {})], ['hv2', heard(9000, { hv3: [500, 7] })]], ['hv1', 'hv2'], 1500],
    ["a member outside the partition does not count", [['hv3', heard(4000, {})], ['hv2', heard(9000, { hv3: [500, 7] })]], ['hv1'], 6000],
  ])('%s', (_, entries, alive, expected) => {
    expect(lastWordMs('hv3', alive, new Map(entries), 'hv1', 10_000)).toBe(expected);
  });
});
