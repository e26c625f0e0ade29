import { filterLines, parseSince } from './logs.js';

const NOW = Date.parse('2026-12-07T03:00:00.000Z');

test.each<[string, number]>([
  ['90s', NOW - 90_000],
  ['10m', NOW - 600_000],
  ['2h', NOW - 7_200_000],
  ['1d', NOW - 86_400_000],
  ['2026-12-07T02:00:00Z', Date.parse('2026-12-07T02:00:00Z')],
])('--since %s', (v, at) => expect(parseSince(v, NOW)).toBe(at));

test.each(['yesterday', '10 minutes', '-5m'])('--since %s is a usage error naming what it takes', (v) => expect(() => parseSince(v, NOW)).toThrow(expect.objectContaining({ code: 'UsageError', hint: expect.stringContaining('10m') })));

const LOG = [
  '2026-12-07T02:00:00.000Z INFO  web: start by root',
  '2026-12-07T02:30:00.000Z WARN  app#1: slow',
  '    a continuation of the warning',
  '2026-12-07T02:59:00.000Z ERROR app#1: failed',
  '2026-12-07T02:59:30.000Z INFO  web: stop',
  '',
].join('\n');

test.each<[string, number | undefined, number, string[]]>([
  ['everything', undefined, 0, ['start by root', 'slow', 'continuation', 'failed', 'stop']],
  ['warnings and errors, the continuation with its line', undefined, 1, ['slow', 'continuation', 'failed']],
  ['errors only', undefined, 2, ['failed']],
  ['since 02:45', Date.parse('2026-12-07T02:45:00Z'), 0, ['failed', 'stop']],
  ['since 02:45, warnings and up', Date.parse('2026-12-07T02:45:00Z'), 1, ['failed']],
])('filter: %s', (_w, since, level, kept) => {
  const out = filterLines(LOG, since, level).trimEnd().split('\n');
  expect(out).toHaveLength(kept.length);
  kept.forEach((k, i) => expect(out[i]).toContain(k));
});
