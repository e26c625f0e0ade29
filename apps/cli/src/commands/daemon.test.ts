import { fencingLines } from './daemon.js';

test.each<[string, Parameters<typeof fencingLines>[0], string[]]>([
  ['an agent from before stonith', undefined, []],
  ['nothing fenced', { fenced: {}, running: [], failing: {} }, []],
  [
    'fenced, fencing and failing',
    { fenced: { hv1: { agoMs: 12_340 } }, running: ['hv2'], failing: { hv3: { failures: 2, retryInMs: 8000, error: 'exit 1 (Unable to connect to the BMC)' } } },
    ['fenced: hv1 12.3 s ago, not heard of since', 'fencing: hv2, its fence command is running', 'FENCE FAILING: hv3, 2 time(s) in a row (exit 1 (Unable to connect to the BMC)), retry in 8.0 s: no takeover from hv3 until it succeeds'],
  ],
])('daemon status, fencing: %s', (_, fencing, lines) => expect(fencingLines(fencing)).toEqual(lines));
