// xend's state flags to capsule's status, tested against the corpus of what
// xm prints (tooling/simulators/xm/corpus, with its sources).
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync as readReadme } from 'node:fs';
import { STATES as DECLARED } from './state.js';
import { readFileSync } from 'node:fs';
import { parseXmList, startAction, STATES, statusOfXmFlags } from './state.js';

const corpus = (f: string) => readFileSync(new URL(`../../../tooling/simulators/xm/corpus/${f}`, import.meta.url), 'utf8');
const LIST = corpus('list-states.txt');

describe('the corpus: every line of xm list (list-states.txt)', () => {
  test.each<[string, string | undefined, string]>([
    ['Domain-0', 'r-----', 'up'],
    ['running', 'r-----', 'up'],
    ['blocked', '-b----', 'up'],
    ['runnable', '------', 'up'],
    ['paused', '--p---', 'warn'],
    ['shutdown', '---s--', 'warn'],
    ['crashed', '----c-', 'down'],
    ['dying', '-----d', 'warn'],
  ])('%s: %s reads %s', (name, flags, status) => {
    expect(parseXmList(LIST, name)).toBe(flags);
    expect(statusOfXmFlags(name, flags!).status).toBe(status);
  });

  test('a domain registered (xm new) and not running: empty ID and State, so no flags', () => expect(parseXmList(LIST, 'registered')).toBe(''));
  test('a name xm does not list, the header, a prefix of a listed name', () => {
    for (const id of ['ghost', 'Name', 'run', 'unnin']) expect(parseXmList(LIST, id)).toBeUndefined();
  });
  test('every line but the header is read', () => {
    const names = LIST.trimEnd().split('\n').slice(1).map((l) => l.split(' ')[0]!);
    expect(names.filter((n) => parseXmList(LIST, n) === undefined)).toEqual([]);
  });
});

test.each(STATES.map((r) => [r.word, r.status, r.why, r.note] as const))('the declared table: %s reads %s', (word, status, why, note) => {
  const line = `0004fb00000600001                            3   512     1     ${word}      1.0\n`;
  expect(parseXmList(line, '0004fb00000600001')).toBe(word);
  const level = status === 'warn' ? 'warn' : note;
  expect(statusOfXmFlags('u1', word)).toEqual({ status, log: level ? [`${level}: domain u1 is ${word} (xm list): ${why}`] : [] });
});

test('a crash is the one state outside warn worth a line: at warn level', () => {
  expect(STATES.filter((r) => r.status !== 'warn' && r.note).map((r) => [r.word, r.note])).toEqual([['----c-', 'warn']]);
});

test('multi-digit fields: a domid past 9 (every restart takes a new one), 16 VCPUs', () => {
  expect(parseXmList('0004fb0000060000a1b2c3d4e5f60718            127 16384    16     -b----  84213.5\n', '0004fb0000060000a1b2c3d4e5f60718')).toBe('-b----');
});

test('CRLF line ends (xm run over ssh with a terminal): the same flags', () => {
  expect(parseXmList(LIST.replace(/\n/g, '\r\n'), 'running')).toBe('r-----');
  expect(parseXmList(LIST.replace(/\n/g, '\r\n'), 'registered')).toBe('');
});

test('flags the table does not hold (paused while shutting down) warn with the flags, never up', () => {
  expect(statusOfXmFlags('u1', '--ps--')).toEqual({ status: 'warn', log: ['warn: domain u1 is in a state capsule does not know: xm list says --ps--'] });
  expect(parseXmList('u1                                           3   512     1     --ps--      1.0\n', 'u1')).toBe('--ps--');
});

test.each<[string | undefined, string]>([
  [undefined, 'create'],
  ['', 'create'],
  ['r-----', 'wait'],
  ['-b----', 'wait'],
  ['------', 'wait'],
  ['--p---', 'unpause'],
  ['---s--', 'recreate'],
  ['----c-', 'recreate'],
  ['-----d', 'recreate'],
  ['--ps--', 'recreate'],
])('start on %p: %s', (flags, action) => expect(startAction(flags)).toBe(action));

test('the README shows the declared state table', () => {
  expect(readmeStateTable(readReadme(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(DECLARED.map(({ word, status, why }) => ({ word, status, why })));
});
