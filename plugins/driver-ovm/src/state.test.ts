// xend's run-state flags to capsule's status, with xm's word in the log.
import { readFileSync } from 'node:fs';
import { parseXmList, statusOfXmFlags } from './state.js';

const LIST = `Name                                        ID   Mem VCPUs      State   Time(s)
Domain-0                                     0  2048     2     r-----   1234.5
0004fb00000600001                           12  1024     2     -b----     10.2
0004fb000006000012                          13  1024     2     --p---      3.0
`;

test('the flags of the listed uuid only', () => {
  expect(parseXmList(LIST, '0004fb00000600001')).toBe('-b----');
  expect(parseXmList(LIST, '0004fb000006000012')).toBe('--p---');
  expect(parseXmList(LIST, '0004fb0000060000')).toBeUndefined();
  expect(parseXmList(LIST, 'Name')).toBeUndefined();
});

test.each([
  ['r-----', 'up', 'info: xm list: r-----'],
  ['-b----', 'up', 'info: xm list: -b----'],
  ['--p---', 'warn', 'warn: domain u1 is paused (xm list: --p---)'],
  ['---s--', 'warn', 'warn: domain u1 is shutting down (xm list: ---s--)'],
  ['----c-', 'down', 'warn: domain u1 crashed (xm list: ----c-); start destroys it first'],
])('%s is %s', (flags, status, line) => {
  expect(statusOfXmFlags('u1', flags)).toEqual({ status, log: [line] });
});

describe('the corpus of what xm prints (tooling/simulators/xm/corpus)', () => {
  const corpus = (f: string) => readFileSync(new URL(`../../../tooling/simulators/xm/corpus/${f}`, import.meta.url), 'utf8');
  const LIST_CORPUS = corpus('list-states.txt');
  test.each<[string, string | undefined, string]>([
    ['running', 'r-----', 'up'],
    ['blocked', '-b----', 'up'],
    ['paused', '--p---', 'warn'],
    ['shutdown', '---s--', 'warn'],
    ['crashed', '----c-', 'down'],
    ['dying', '-----d', 'warn'],
  ])('%s: %s is %s', (name, flags, status) => {
    expect(parseXmList(LIST_CORPUS, name)).toBe(flags);
    expect(statusOfXmFlags(name, flags!).status).toBe(status);
  });
  test('a domain registered but not running (no ID) is not running', () => expect(parseXmList(LIST_CORPUS, 'registered')).toBeUndefined());
  test('the missing-domain error is what the driver reads as no domain', () => expect(/does not exist/i.test(corpus('list-missing.txt'))).toBe(true));
});
