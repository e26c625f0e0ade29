// xl's run-state flags to capsule's status, with xl's word in the log.
import { parseXlList, statusOfFlags } from './state.js';

const LIST = `Name                                        ID   Mem VCPUs\tState\tTime(s)
vm1                                          3   512     1     -b----      10.2
vm10                                         4   512     2     r-----       3.0
`;

test('the flags of the named domain, not of one whose name starts the same', () => {
  expect(parseXlList(LIST, 'vm1')).toBe('-b----');
  expect(parseXlList(LIST, 'vm10')).toBe('r-----');
  expect(parseXlList(LIST, 'vm')).toBeUndefined();
  expect(parseXlList('garbage', 'vm1')).toBeUndefined();
});

test.each([
  ['r-----', 'up', 'info: xl list: r-----'],
  ['-b----', 'up', 'info: xl list: -b----'],
  ['------', 'up', 'info: xl list: ------'],
  ['--p---', 'warn', 'warn: domain vm1 is paused (xl list: --p---)'],
  ['---s--', 'warn', 'warn: domain vm1 is shutting down (xl list: ---s--)'],
  ['-----d', 'warn', 'warn: domain vm1 is shutting down (xl list: -----d)'],
  ['----c-', 'down', 'warn: domain vm1 crashed (xl list: ----c-); start destroys it first'],
])('%s is %s', (flags, status, line) => {
  expect(statusOfFlags('vm1', flags)).toEqual({ status, log: [line] });
});
