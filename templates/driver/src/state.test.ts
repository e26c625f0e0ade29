// The state module against the tool's words: every declared state, an
// unknown one, no output, and the README's table.
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync } from 'node:fs';
import { parseState, STATES, statusOfContainer } from './state.js';

test.each<[string, string | undefined]>([
  ['running\n', 'running'],
  ['  paused  \n', 'paused'],
  ['', undefined],
])('%j parses as %s', (stdout, word) => expect(parseState(stdout)).toBe(word));

test.each<[string, string, string[]]>([
  ['running', 'up', []],
  ['stopped', 'down', []],
  ['created', 'down', []],
  ['paused', 'warn', ['warn: container ct1 is paused ({{tool}} inspect): paused: its processes do not run']],
  ['hibernating', 'warn', ['warn: container ct1 is in a state capsule does not know: {{tool}} inspect says hibernating']],
])('%s reads %s', (word, status, log) => expect(statusOfContainer('ct1', word)).toEqual({ status, log }));

test('every declared state is tested above', () => expect(STATES.map((r) => r.word).sort()).toEqual(['created', 'paused', 'running', 'stopped']));

test('no state printed is a warning, never read as stopped', () => {
  expect(statusOfContainer('ct1', undefined)).toEqual({ status: 'warn', log: ['warn: {{tool}} printed no state for container ct1'] });
});

test('the README shows the declared table', () => {
  expect(readmeStateTable(readFileSync(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(STATES.map(({ word, status, why }) => ({ word, status, why })));
});
