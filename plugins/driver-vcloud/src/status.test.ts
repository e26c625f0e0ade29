// Cloud Director's VM status codes and task statuses as capsule reads them,
// tested against the corpus (tooling/simulators/vcloud/corpus, with its sources).
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync as readReadme } from 'node:fs';
import { STATES as DECLARED } from './status.js';
import { readFileSync } from 'node:fs';
import { POWERED_ON, STATES, statusOfVm, taskOutcome, taskUnderWay, vmWord } from './status.js';

const corpus = (f: string) => readFileSync(new URL(`../../../tooling/simulators/vcloud/corpus/${f}`, import.meta.url), 'utf8');
const lines = (f: string) => corpus(f).split('\n').filter(Boolean);
const CODES = lines('vm-status-codes.txt').map((l) => l.split(' ')).map(([c, n]) => [Number(c), n!] as const);

test.each(STATES.map((r) => [r.word, r.status, r] as const))('the declared table: %s reads %s, with its reason in the log where it is not plain', (word, status, row) => {
  const code = Number(/\((-?\d+)\)$/.exec(word)![1]);
  expect(vmWord(code)).toBe(word);
  const level = status === 'warn' ? 'warn' : row.note;
  expect(statusOfVm('vm1', code)).toEqual({ status, log: level ? [`${level}: VM vm1 is ${word} (Cloud Director): ${row.why}`] : [] });
});

test('the table holds every code of the corpus, named as the corpus names it, and no other', () => {
  expect(STATES.map((r) => r.word)).toEqual(CODES.map(([c, n]) => `${n} (${c})`));
  expect(POWERED_ON).toBe(CODES.find(([, n]) => n === 'POWERED_ON')![0]);
});

test.each<[number, ReturnType<typeof statusOfVm>]>([
  // Fixed: read as "UNRECOGNIZED (2)", warn, although start powers a deployed VM on like any off one.
  [2, { status: 'down', log: [] }],
  // Fixed: Cloud Director 10.3's code was logged as "UNRECOGNIZED (20)", the name of code 7.
  [20, { status: 'warn', log: ['warn: VM vm1 is PARTIALLY_POWERED_OFF (20) (Cloud Director): partly powered off (Cloud Director 10.3+): not all of it runs'] }],
  [4, { status: 'up', log: [] }],
  [8, { status: 'down', log: [] }],
  [3, { status: 'down', log: ['info: VM vm1 is SUSPENDED (3) (Cloud Director): suspended: its memory on disk, not running; start (powerOn) resumes it'] }],
  // A code a later release may add: warn with the code.
  [22, { status: 'warn', log: ['warn: VM vm1 is in a state capsule does not know: Cloud Director says 22'] }],
  [-2, { status: 'warn', log: ['warn: VM vm1 is in a state capsule does not know: Cloud Director says -2'] }],
])('status %i', (code, expected) => {
  expect(statusOfVm('vm1', code)).toEqual(expected);
});

test.each<[string, boolean, ReturnType<typeof taskOutcome>]>([
  ['queued', true, { ok: false, message: 'task vappPowerOn is queued' }],
  ['preRunning', true, { ok: false, message: 'task vappPowerOn is preRunning' }],
  ['running', true, { ok: false, message: 'task vappPowerOn is running' }],
  // Fixed: taken for ended, so a guest shutdown still postRunning was "refused" and the VM powered off.
  ['postRunning', true, { ok: false, message: 'task vappPowerOn is postRunning' }],
  ['success', false, { ok: true }],
  ['error', false, { ok: false, message: 'task vappPowerOn is error' }],
  ['canceled', false, { ok: false, message: 'task vappPowerOn is canceled' }],
  ['aborted', false, { ok: false, message: 'task vappPowerOn is aborted' }],
])('task status %s: under way %s', (status, underWay, outcome) => {
  expect(lines('task-statuses.txt')).toContain(status);
  expect(taskUnderWay(status)).toBe(underWay);
  expect(taskOutcome({ status, operationName: 'vappPowerOn' })).toEqual(outcome);
});

test('every task status of the corpus is in the table above; a task with no status, or a word a later release adds, has ended and failed', () => {
  expect(lines('task-statuses.txt')).toHaveLength(8);
  expect(taskUnderWay(undefined)).toBe(false);
  expect(taskUnderWay('resuming')).toBe(false);
  expect(taskOutcome({})).toEqual({ ok: false, message: 'task  is unknown' });
  expect(taskOutcome({ status: 'error', error: { message: 'Cannot complete operation because VMware Tools is not running in this virtual machine.' } })).toEqual({ ok: false, message: 'Cannot complete operation because VMware Tools is not running in this virtual machine.' });
});

test('the README shows the declared state table', () => {
  expect(readmeStateTable(readReadme(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(DECLARED.map(({ word, status, why }) => ({ word, status, why })));
});
