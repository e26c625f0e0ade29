// xl's state columns to capsule's status, tested against the corpus of what
// xl prints (tooling/simulators/xl/corpus, with its sources).
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync } from 'node:fs';
import { NO_DOMAIN, parseXlList, STATES, statusOfFlags } from './state.js';

const corpus = (f: string) => readFileSync(new URL(`../../../tooling/simulators/xl/corpus/${f}`, import.meta.url), 'utf8');
const LIST = corpus('list-states.txt');

test('the state column of the named domain, not of one whose name starts the same', () => {
  const list = `${LIST}vm1                                         20   512     1     -b----      10.2\nvm10                                        21   512     2     r-----       3.0\n`;
  expect(parseXlList(list, 'vm1')).toBe('-b----');
  expect(parseXlList(list, 'vm10')).toBe('r-----');
  expect(parseXlList(list, 'vm')).toBeUndefined();
  expect(parseXlList('garbage', 'vm1')).toBeUndefined();
});

test.each<[string, string, string]>([
  ['running', 'up', 'info: xl list: r-----'],
  ['blocked', 'up', 'info: xl list: -b----'],
  ['paused', 'warn', 'warn: domain paused is paused (xl list: --p---)'],
  ['shutdown', 'warn', 'warn: domain shutdown is shutting down, poweroff (xl list: ---s--)'],
  ['reboot', 'warn', 'warn: domain reboot is shutting down, reboot (xl list: ---sr-)'],
  ['suspend', 'warn', 'warn: domain suspend is shutting down, suspend (xl list: ---ss-)'],
  ['crash', 'down', 'warn: domain crash crashed (xl list: ---sc-); start destroys it first'],
  ['watchdog', 'warn', 'warn: domain watchdog is shutting down, watchdog (xl list: ---sw-)'],
  ['softreset', 'warn', 'warn: domain softreset is shutting down, soft reset (xl list: ---sS-)'],
  ['unknownreason', 'warn', 'warn: domain unknownreason is shutting down, unknown reason (xl list: ---s?-)'],
  ['dying', 'warn', 'warn: domain dying is shutting down (xl list: -----d)'],
])('corpus: %s is %s', (name, status, line) => {
  const flags = parseXlList(LIST, name);
  expect(flags).toBeDefined();
  expect(statusOfFlags(name, flags!)).toEqual({ status, log: [line] });
});

test.each(['list-missing.txt', 'list-gone.txt'])('corpus: %s is a domain that does not run, not an error', (f) => expect(NO_DOMAIN.test(corpus(f))).toBe(true));

test.each(STATES.map((r) => [r.word, r.status] as const))('the declared table: %s reads %s', (word, status) => {
  expect(statusOfFlags('vm1', word).status).toBe(status);
  expect(parseXlList(`vm1                                          3   512     1     ${word}       1.0\n`, 'vm1')).toBe(word);
});

test('a shutdown reason xl does not print today is shutting down (warn) with the flags, never up', () => {
  expect(statusOfFlags('vm1', '---sX-')).toEqual({ status: 'warn', log: ['warn: domain vm1 is shutting down, X (xl list: ---sX-)'] });
});

test('the README shows the declared table', () => {
  expect(readmeStateTable(readFileSync(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(STATES.map(({ word, status, why }) => ({ word, status, why })));
});

test.each<[string, string | undefined]>([
  ['vm1                                          3   512    16     r-----       1.0', 'r-----'],
  ['vm1                                          3   512     1     r-----       1.0\r', 'r-----'],
  ['warning: vm1                                 3   512     1     r-----       1.0', undefined],
  ['vm1                                          3   512     1     r-----       1.0 (null)', undefined],
])('a line of xl list: %j', (line, flags) => expect(parseXlList(`${line}\n`, 'vm1')).toBe(flags));
