import { HoldTracker } from './holds.js';

test('a double hold lasts from its first double sample to the first single one, its nodes united', () => {
  const t = new HoldTracker();
  expect(t.sample(0, ['hv1'])).toBeUndefined();
  expect(t.holder).toBe('hv1');
  expect(t.sample(100, ['hv1', 'hv2'])).toEqual({ start: 100, end: 100, nodes: ['hv1', 'hv2'] });
  expect(t.holder).toBeUndefined();
  expect(t.sample(200, ['hv3', 'hv2'])).toBeUndefined();
  t.sample(300, ['hv2']);
  t.sample(400, []);
  t.sample(500, ['hv2', 'hv1']);
  t.close(650);
  expect(t.doubles).toEqual([
    { start: 100, end: 300, nodes: ['hv1', 'hv2', 'hv3'] },
    { start: 500, end: 650, nodes: ['hv1', 'hv2'] },
  ]);
  expect(t.holder).toBeUndefined();
});

test('nobody or one holder at a time is never a double hold', () => {
  const t = new HoldTracker();
  for (const [i, h] of [[], ['hv1'], [], ['hv2'], ['hv2']].entries()) t.sample(i * 100, h);
  t.close(1000);
  expect(t.doubles).toEqual([]);
});
