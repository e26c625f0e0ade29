import { parseDuration, parseNemesisArgs } from './args.js';
import { NemesisUsage } from './errors.js';

test.each([
  ['2m', 120_000],
  ['10m', 600_000],
  ['90', 90_000],
  ['90s', 90_000],
  ['1.5m', 90_000],
  ['1h', 3_600_000],
])('--duration %s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

test.each(['', '0', '-5', 'ten', '10x', '2 m'])('--duration %j is refused', (text) => expect(() => parseDuration(text)).toThrow(NemesisUsage));

test('every option, and the defaults', () => {
  expect(parseNemesisArgs(['--duration', '10m', '--seed', '42', '--arbitrator', '--out', '/tmp/r.json', '--logs', '/tmp/l'], () => 1)).toEqual({ durationMs: 600_000, seed: 42, arbitrator: true, backend: 'hb', out: '/tmp/r.json', logs: '/tmp/l' });
  expect(parseNemesisArgs([], () => 7)).toEqual({ durationMs: 120_000, seed: 7, arbitrator: false, backend: 'hb' });
  expect(parseNemesisArgs(['--backend', 'etcd'], () => 7)).toMatchObject({ backend: 'etcd' });
});

test.each([[['--seed', '-1']], [['--seed', '1.5']], [['--seed', 'x']], [['--bogus']], [['extra']], [['--backend', 'zk']], [['--backend', 'etcd', '--arbitrator']]])('%j is a usage error', (argv) => {
  expect(() => parseNemesisArgs(argv, () => 1)).toThrow(NemesisUsage);
});
