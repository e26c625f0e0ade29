// hpvmstatus -M parsing and the state table, table-driven, against the
// corpus of what the sources say hpvmstatus prints (tooling/simulators/hpvm/corpus).
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync as readReadme } from 'node:fs';
import { STATES as DECLARED } from '../src/status.js';
import { readFileSync } from 'node:fs';
import { parseMachineLine, STATES, statusOf } from '../src/status.js';

const corpus = readFileSync(new URL('../../../tooling/simulators/hpvm/corpus/status-M-fields.txt', import.meta.url), 'utf8');
const words = (i: number) => corpus.split('\n').filter((l) => l.startsWith(`${i} `)).map((l) => l.slice(l.indexOf(' ') + 1));
/** A -M line with the corpus's words at their positions, empty placeholders elsewhere. */
const line = (state: string, boot = 'Manual') => {
  const f = new Array<string>(24).fill('');
  [f[0], f[10], f[11], f[19], f[20]] = ['vm1', state, boot, '2;;;', '4GB;;'];
  return `${f.join(':')}\n`;
};

test.each([
  [line('On'), { state: 'On', boot: 'Manual' }],
  [line('Off', 'Auto'), { state: 'Off', boot: 'Auto' }],
  [line(' Off ', ' Auto '), { state: 'Off', boot: 'Auto' }],
  [line('Crash'), { state: 'Crash', boot: 'Manual' }],
  [line(''), undefined],
  ['', undefined],
  ['vm1:3:HPUX\n', undefined],
  // Exactly twelve fields is enough for both words; eleven is not.
  ['0:1:2:3:4:5:6:7:8:9:On:Auto\n', { state: 'On', boot: 'Auto' }],
  ['0:1:2:3:4:5:6:7:8:9:On\n', undefined],
  // A blank line before the output (a login script's echo over ssh) is skipped.
  [`\n${line('On')}`, { state: 'On', boot: 'Manual' }],
  // One guest's line: a second line is not read.
  [`${line('On')}${line('Off')}`, { state: 'On', boot: 'Manual' }],
])('parseMachineLine(%j)', (out, expected) => {
  expect(parseMachineLine(out)).toEqual(expected);
});

test('the corpus words: every run state and boot attribute a source shows parses and is in the table', () => {
  for (const boot of words(11)) for (const state of words(10)) expect(parseMachineLine(line(state, boot))).toEqual({ state, boot });
  expect(STATES.map((r) => r.word)).toEqual(words(10));
});

test.each(STATES.map((r) => [r.word, r.status, r.why] as const))('the declared table: %s reads %s', (word, status) => {
  expect(statusOf('vm1', parseMachineLine(line(word)), 'vmhost1')).toEqual({ status, log: [] });
});

test.each(['Crash', 'Migrating', 'on', 'On (OS)'])('a run state not in the table (%s) is warn with the word, never up', (state) => {
  expect(statusOf('vm1', { state, boot: 'Manual' }, 'vmhost1')).toEqual({ status: 'warn', log: [`warn: guest vm1 is in a state capsule does not know: hpvmstatus -M says ${state}`] });
});

test('a guest the VM Host does not know is down, and says where it looked', () => {
  expect(statusOf('vm1', undefined, 'vmhost1')).toEqual({ status: 'down', log: ['warn: no guest vm1 on vmhost1'] });
});

test('the README shows the declared state table', () => {
  expect(readmeStateTable(readReadme(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(DECLARED.map(({ word, status, why }) => ({ word, status, why })));
});
