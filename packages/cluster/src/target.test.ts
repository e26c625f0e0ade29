import { clusterTarget, describeTarget, newerTarget, nextTarget, parseTarget, targetFields, type Target } from './target.js';
import type { NodeView } from './view.js';

const t = (target: Target['target'], generation: number, by: string): Target => ({ target, generation, at: '2026-01-01T00:00:00.000Z', by });

test.each([
  ['a higher generation wins', t('started', 2, 'hv1'), t('stopped', 1, 'hv2'), true],
  ['a lower one does not', t('stopped', 1, 'hv2'), t('started', 2, 'hv1'), false],
  ['a tie goes to the later node name', t('stopped', 3, 'hv2'), t('started', 3, 'hv1'), true],
  ['and not the other way', t('started', 3, 'hv1'), t('stopped', 3, 'hv2'), false],
  ['the same record is not newer', t('started', 3, 'hv1'), t('started', 3, 'hv1'), false],
  ['anything beats none', t('started', 0, 'hv1'), undefined, true],
  ['none beats nothing', undefined, t('started', 0, 'hv1'), false],
])('newerTarget: %s', (_, a, b, expected) => expect(newerTarget(a, b)).toBe(expected));

test.each([
  ['valid', JSON.stringify(t('stopped', 4, 'hv1')), t('stopped', 4, 'hv1')],
  ['missing file', undefined, undefined],
  ['not JSON', '{', undefined],
  ['unknown target', JSON.stringify({ ...t('stopped', 4, 'hv1'), target: 'frozen' }), undefined],
  ['negative generation', JSON.stringify({ ...t('stopped', 4, 'hv1'), generation: -1 }), undefined],
  ['null', 'null', undefined],
])('parseTarget: %s', (_, text, expected) => expect(parseTarget(text)).toEqual(expected));

test('nextTarget: a change bumps the generation above the newest seen; the same target is no change', () => {
  const at = new Date('2026-01-01T00:00:10.000Z');
  expect(nextTarget(undefined, 'stopped', 'hv2', at)).toEqual({ target: 'stopped', generation: 1, at: at.toISOString(), by: 'hv2' });
  expect(nextTarget(t('started', 4, 'hv1'), 'stopped', 'hv2', at, 7)).toMatchObject({ generation: 8 });
  expect(nextTarget(t('stopped', 4, 'hv1'), 'stopped', 'hv2', at)).toBeUndefined();
});

test('clusterTarget: the newest of the views, and who publishes it', () => {
  const view = (target?: Target): NodeView => ({ frozen: false, up: 0, peers: {}, services: { web: { avail: 'down', overall: 'down', frozen: false, startFailed: false, csum: '', mtime: 0, generation: 0, ...targetFields(target) } } });
  expect(clusterTarget({ hv1: view(), hv2: view() }, 'web')).toBeUndefined();
  expect(clusterTarget({ hv1: view(t('started', 1, 'hv1')), hv2: view(t('stopped', 2, 'hv3')), hv3: view() }, 'web')).toEqual({ target: t('stopped', 2, 'hv3'), from: 'hv2' });
});

test('describeTarget', () => {
  expect(describeTarget(t('stopped', 1, 'hv1'), Date.parse('2026-01-01T00:00:12.400Z'))).toBe('stopped (by hv1, 12 s ago)');
  expect(describeTarget(undefined, 0)).toBe('started (default: none set)');
});
