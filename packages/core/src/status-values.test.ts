import { STATUSES, STATUS_CODE, aggregateStatus, mergeStatus, statusFromCode, type Status } from './status-values.js';

// Every pair of the OpenSVC merge table, written out so a change is visible.
const TABLE: Array<[Status, Status, Status]> = [
  ['up', 'up', 'up'],
  ['up', 'down', 'warn'],
  ['up', 'warn', 'warn'],
  ['up', 'n/a', 'up'],
  ['up', 'undef', 'up'],
  ['up', 'stdby up', 'up'],
  ['up', 'stdby down', 'warn'],
  ['down', 'down', 'down'],
  ['down', 'warn', 'warn'],
  ['down', 'n/a', 'down'],
  ['down', 'undef', 'down'],
  ['down', 'stdby up', 'stdby up'],
  ['down', 'stdby down', 'stdby down'],
  ['warn', 'warn', 'warn'],
  ['warn', 'n/a', 'warn'],
  ['warn', 'undef', 'warn'],
  ['warn', 'stdby up', 'warn'],
  ['warn', 'stdby down', 'warn'],
  ['n/a', 'n/a', 'n/a'],
  ['n/a', 'undef', 'n/a'],
  ['n/a', 'stdby up', 'stdby up'],
  ['n/a', 'stdby down', 'stdby down'],
  ['undef', 'undef', 'undef'],
  ['undef', 'stdby up', 'stdby up'],
  ['undef', 'stdby down', 'stdby down'],
  ['stdby up', 'stdby up', 'stdby up'],
  ['stdby up', 'stdby down', 'warn'],
  ['stdby down', 'stdby down', 'stdby down'],
];

describe('mergeStatus', () => {
  test('the table covers every unordered pair', () => {
    const seen = new Set(TABLE.map(([a, b]) => [a, b].sort().join('|')));
    const all = new Set(STATUSES.flatMap((a) => STATUSES.map((b) => [a, b].sort().join('|'))));
    expect(seen).toEqual(all);
  });

  test.each(TABLE)('%s + %s = %s (both orders)', (a, b, expected) => {
    expect(mergeStatus(a, b)).toBe(expected);
    expect(mergeStatus(b, a)).toBe(expected);
  });

  test('merge is associative except where OpenSVC lets stdby up hide a down', () => {
    const exceptions: string[] = [];
    for (const a of STATUSES)
      for (const b of STATUSES)
        for (const c of STATUSES)
          if (mergeStatus(mergeStatus(a, b), c) !== mergeStatus(a, mergeStatus(b, c))) exceptions.push(`${a},${b},${c}`);
    // up+down is warn, but down+stdby up is stdby up and up+stdby up is up:
    // the status layer therefore always folds left, in rid order.
    expect(exceptions.sort()).toEqual(['down,stdby up,up', 'stdby up,down,up', 'up,down,stdby up', 'up,stdby up,down']);
  });
});

describe('aggregateStatus', () => {
  test.each<[Status[], Status]>([
    [[], 'undef'],
    [['up'], 'up'],
    [['up', 'n/a', 'up'], 'up'],
    [['up', 'down', 'n/a'], 'warn'],
    [['down', 'n/a', 'undef'], 'down'],
    [['n/a', 'n/a'], 'n/a'],
  ])('%j -> %s', (list, expected) => {
    expect(aggregateStatus(list)).toBe(expected);
  });
});

test.each(STATUSES.map((s) => [s, STATUS_CODE[s]] as const))('%s has exit code %i and back', (s, code) => {
  expect(statusFromCode(code)).toBe(s);
});
test('unknown exit code has no status', () => expect(statusFromCode(4)).toBeUndefined());
