// vzctl status words to capsule's status, tested against the corpus of what
// vzctl prints, every version (tooling/simulators/vzctl/corpus, with its sources).
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync as readReadme } from 'node:fs';
import { STATES as DECLARED } from './state.js';
import { readFileSync } from 'node:fs';
import { holdsPeer, parseVzStatus, startAction, STATES, statusOfVz } from './state.js';

const lines = (f: string) => readFileSync(new URL(`../../../tooling/simulators/vzctl/corpus/${f}`, import.meta.url), 'utf8').trim().split('\n');
const CORPUS = ['status-4x.txt', 'status-3x-running-suspended.txt', 'status-veid.txt', 'status-vpsid.txt'].flatMap(lines);

test.each(CORPUS)('corpus: %s is a row of the table', (line) => {
  const s = parseVzStatus(`${line}\n`)!;
  expect(STATES.map((r) => r.word)).toContain(s.words);
  expect(s.words).toBe(line.split(' ').slice(2).join(' '));
});

test.each(STATES.map((r) => [r.word, r.status, r.why, r.note] as const))('the declared table: %s reads %s', (word, status, why, note) => {
  const level = status === 'warn' ? 'warn' : note;
  expect(statusOfVz('101', parseVzStatus(`CTID 101 ${word}\n`)!)).toEqual({ status, log: level ? [`${level}: container 101 is ${word} (vzctl status): ${why}`] : [] });
});

// Down, but not plainly stopped: each says why at warn level (a leftover dump file on a running one at info).
test.each<[string, string, string]>([
  ['CTID 101 exist mounted running suspended', 'up', 'info: container 101 is exist mounted running suspended (vzctl status): running; a dump file is left from an earlier suspend (vzctl 3.0.24 to 3.0.30 say so)'],
  ['CTID 101 exist mounted down', 'down', 'warn: container 101 is exist mounted down (vzctl status): stopped, its private area still mounted (vzctl mount, or a stop cut short)'],
  ['CTID 101 exist unmounted down suspended', 'down', 'warn: container 101 is exist unmounted down suspended (vzctl status): suspended (vzctl suspend): start restores it from its dump file'],
  ['VEID 101 exist unmounted suspended', 'down', 'warn: container 101 is exist unmounted suspended (vzctl status): suspended (vzctl 7 suspend): its memory is in a dump file'],
  ['CTID 101 deleted unmounted down', 'down', 'warn: container 101 is deleted unmounted down (vzctl status): no such container (no CTID.conf or private area): start fails'],
])('%s reads %s, saying why', (line, status, log) => expect(statusOfVz('101', parseVzStatus(`${line}\n`)!)).toEqual({ status, log: [log] }));

test.each<[string, boolean, boolean, string]>([
  ['CTID 101 exist mounted running', true, true, 'running'],
  ['VEID 101 deleted unmounted down', false, false, 'down'],
  ['VPSID 101 exist unmounted down suspended', true, false, 'down'],
  ['VEID 101 exist mounted paused', true, true, 'paused'],
])('%s: the fields', (line, exists, mounted, run) => expect(parseVzStatus(`${line}\n`)).toMatchObject({ exists, mounted, run }));

test.each(['Container config file does not exist', 'CTID 101 exist mounted', 'XID 101 exist mounted running', 'CTID 101 gone mounted running', 'CTID 101 exist half running'])('not a status line: %s', (out) => expect(parseVzStatus(out)).toBeUndefined());

// Defect: the old parser knew four run words; any other failed status() with an exception.
test('a word a later vzctl prints reads warn with the words, never up, never an exception', () => {
  expect(statusOfVz('101', parseVzStatus('VEID 101 exist mounted migrating\n')!)).toEqual({ status: 'warn', log: ['warn: container 101 is in a state capsule does not know: vzctl status says exist mounted migrating'] });
});

// Defect (corpus: status-veid.txt, vzctl 7 `exist mounted paused`): start ran vzctl start on a frozen container and stop left it alone.
test.each<[string, string]>([
  ['CTID 101 exist mounted running', 'wait'],
  ['CTID 101 exist mounted running suspended', 'wait'],
  ['VEID 101 exist mounted paused', 'resume'],
  ['CTID 101 exist unmounted down', 'start'],
  ['CTID 101 exist unmounted down suspended', 'start'],
  ['VEID 101 exist unmounted suspended', 'start'],
  ['CTID 101 exist mounted down', 'start'],
])('%s: start does %s', (line, action) => expect(startAction(parseVzStatus(line)!)).toBe(action));

// Defect (vzlist's status words, vzctl 7 src/vzlist.c ve_status): a paused container on the destination was read as stopped.
test.each<[string | undefined, boolean]>([
  ['running', true],
  ['paused', true],
  ['stopped', false],
  ['mounted', false],
  ['suspended', false],
  ['unknown', false],
  [undefined, false],
])('vzlist on the destination says %s: holds it there %s', (status, holds) => expect(holdsPeer(status)).toBe(holds));

test('the README shows the declared state table', () => {
  expect(readmeStateTable(readReadme(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(DECLARED.map(({ word, status, why }) => ({ word, status, why })));
});
