// `ldm list -p` parsing and the state table, table-driven, against the
// corpus of what ldm prints (tooling/simulators/ldm/corpus, with its sources).
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync as readReadme } from 'node:fs';
import { STATES as DECLARED } from '../src/status.js';
import { readFileSync } from 'node:fs';
import { parseDomain, STATES, stateWord, statusOf } from '../src/status.js';

const corpus = (f: string) => readFileSync(new URL(`../../../tooling/simulators/ldm/corpus/${f}`, import.meta.url), 'utf8');
const LETTERS = corpus('list-p-letters.txt');

test.each([
  [LETTERS, 'normal', { state: 'active', flags: '-n----' }],
  [LETTERS, 'primary', { state: 'active', flags: '-n-cv-' }],
  [LETTERS, 'bound', { state: 'bound', flags: '------' }],
  [corpus('list-lp-words.txt'), 'primary', { state: 'active', flags: 'normal,control,vio-service' }],
  [LETTERS, 'ldg9', undefined],
  ['VERSION 1.11\n', 'normal', undefined],
  // A line without a state names no domain capsule can read.
  ['VERSION 1.11\nDOMAIN|name=ldg1|flags=-n----\n', 'ldg1', undefined],
  ['VERSION 1.11\nDOMAIN|name=ldg1|state=bound\n', 'ldg1', { state: 'bound', flags: '' }],
  // Only DOMAIN lines are domains.
  ['VERSION 1.11\nVCPU|name=ldg1|state=active|flags=-n----\n', 'ldg1', undefined],
])('parseDomain(…, %s)', (out, name, expected) => {
  expect(parseDomain(out, name)).toEqual(expected);
});

test.each<[string, string]>([
  ['-n----', 'active -n----'],
  ['-n-cv-', 'active -n----'],
  ['-n--v-', 'active -n----'],
  ['-t-cv', 'active -t----'],
  ['-n---s', 'active -n---s'],
  ['normal,control,vio-service', 'active -n----'],
  ['normal', 'active -n----'],
  ['control', 'active ------'],
  // Forms capsule does not know stay as printed, so that they read unknown.
  ['normal,source', 'active normal,source'],
  ['-x----', 'active -x----'],
  ['', 'active '],
  ['-n-cv-z', 'active -n-cv-z'],
])('stateWord(active, %j) is %j', (flags, word) => {
  expect(stateWord({ state: 'active', flags })).toBe(word);
});

test.each(STATES.map((r) => [r.word, r.status, r.why] as const))('the declared table: %s reads %s', (word, status, why) => {
  const [state, flags] = word.split(' ') as [string, string];
  const d = parseDomain(`VERSION 1.11\nDOMAIN|name=ldg1|state=${state}|flags=${flags}|cons=5000|ncpu=1\n`, 'ldg1')!;
  expect(stateWord(d)).toBe(word);
  // Plainly up or down says nothing; a warn says which state, and why.
  expect(statusOf('ldg1', d, 'cdom1')).toEqual({ status, log: status === 'warn' ? [`warn: domain ldg1 is ${word} (ldm list -p): ${why}`] : [] });
});

test('a domain the control domain does not know is down, and says where it looked', () => {
  expect(statusOf('ldg1', undefined, 'cdom1')).toEqual({ status: 'down', log: ['warn: no domain ldg1 on cdom1'] });
});

test.each([
  ['suspended', '-n----'],
  ['active', '-x----'],
  ['active', 'normal,source'],
])('a state or flag ldm does not print today (%s %s) is warn with ldm\'s words, never up', (state, flags) => {
  const s = statusOf('ldg1', { state, flags }, 'cdom1');
  expect(s).toEqual({ status: 'warn', log: [`warn: domain ldg1 is in a state capsule does not know: ldm list -p says ${stateWord({ state, flags })}`] });
});

describe('the corpus: every domain of list-p-letters.txt', () => {
  test.each<[string, string]>([
    ['primary', 'up'],
    ['normal', 'up'],
    ['starting', 'warn'],
    ['transition', 'warn'],
    ['degraded', 'warn'],
    ['bound', 'down'],
    ['old', 'warn'],
    ['delayed', 'up'],
    ['memdr', 'up'],
    ['source', 'warn'],
    ['target', 'warn'],
    ['migerror', 'warn'],
    ['inactive', 'down'],
  ])('%s reads %s', (name, status) => {
    expect(statusOf(name, parseDomain(LETTERS, name), 'this node').status).toBe(status);
  });
  test('every word of the table is in the corpus', () => {
    const words = LETTERS.split('\n')
      .filter((l) => l.startsWith('DOMAIN|'))
      .map((l) => stateWord(parseDomain(l, /name=([^|]+)/.exec(l)![1]!)!));
    expect(STATES.map((r) => r.word).filter((w) => !words.includes(w))).toEqual([]);
  });
});

test('the README shows the declared state table', () => {
  expect(readmeStateTable(readReadme(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(DECLARED.map(({ word, status, why }) => ({ word, status, why })));
});
