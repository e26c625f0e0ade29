import { parseProbe } from './prober.js';

test.each([
  ['100 150 ok hv2', { start: 100, end: 150, node: 'hv2' }],
  ['100 400 fail timeout', { start: 100, end: 400, error: 'timeout' }],
  ['100 101 fail ECONNREFUSED\n', { start: 100, end: 101, error: 'ECONNREFUSED' }],
  ['garbage', undefined],
  ['100 150 ok', undefined],
])('%j', (line, probe) => expect(parseProbe(line)).toEqual(probe));
