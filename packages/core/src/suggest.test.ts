import { closest, editDistance } from './suggest.js';

test.each([['', '', 0], ['abc', 'abc', 0], ['strat', 'start', 2], ['kitten', 'sitting', 3], ['', 'abc', 3]])('distance(%j, %j) = %i', (a, b, d) => {
  expect(editDistance(a, b)).toBe(d);
  expect(editDistance(b, a)).toBe(d);
});

test.each([
  ['strat', ['start', 'stop'], 'start'],
  ['ipnam', ['ipname', 'ipdev'], 'ipname'],
  ['zzzzzz', ['start', 'stop'], undefined],
  ['x', [], undefined],
])('closest(%j)', (typed, names, expected) => expect(closest(typed, names)).toBe(expected));
