// `srp -status` parsing and the state table, table-driven, against the
// corpus of what srp prints (tooling/simulators/srp/corpus, with its sources).
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync as readReadme } from 'node:fs';
import { STATES as DECLARED } from '../src/status.js';
import { readFileSync } from 'node:fs';
import { parseStatus, STATES, statusOf } from '../src/status.js';

const SAMPLE = readFileSync(new URL('../../../tooling/simulators/srp/corpus/status-maintenance.txt', import.meta.url), 'utf8');
/** The corpus sample with another state word in its column. */
const inState = (word: string) => SAMPLE.replace('maintenance', word.padEnd(11));

test.each([
  [SAMPLE, 'iisdevs1', { type: 'system', state: 'maintenance', subtype: 'private', rootpath: '/var/hpsrp/iisdevs1' }],
  [inState('started'), 'iisdevs1', { type: 'system', state: 'started', subtype: 'private', rootpath: '/var/hpsrp/iisdevs1' }],
  [SAMPLE, 'srp1', undefined],
  // The header's NAME is not a container called NAME.
  [SAMPLE, 'NAME', undefined],
  ['', 'iisdevs1', undefined],
  // A row whose root path has a space is not five fields: not read as another layout.
  [`${SAMPLE.split('\n')[0]}\niisdevs1     system    started     private    /var/hp srp/x\n`, 'iisdevs1', undefined],
  // CRLF line ends (srp run over ssh with a terminal): the row still has five fields.
  [SAMPLE.replace(/\n/g, '\r\n'), 'iisdevs1', { type: 'system', state: 'maintenance', subtype: 'private', rootpath: '/var/hpsrp/iisdevs1' }],
  // The row may follow other containers' rows.
  [`${SAMPLE}srp2         system    stopped     private    /var/hpsrp/srp2\n`, 'srp2', { type: 'system', state: 'stopped', subtype: 'private', rootpath: '/var/hpsrp/srp2' }],
])('parseStatus(…, %s)', (out, name, expected) => {
  expect(parseStatus(out, name)).toEqual(expected);
});

test.each(STATES.map((r) => [r.word, r.status, r.why] as const))('the declared table: %s reads %s', (word, status, why) => {
  const s = parseStatus(inState(word), 'iisdevs1');
  expect(s?.state).toBe(word);
  expect(statusOf('iisdevs1', s, 'hpux1')).toEqual({ status, log: status === 'warn' ? [`warn: container iisdevs1 is ${word} (srp -status): ${why}`] : [] });
});

test('the corpus sample reads as its state: maintenance, warn', () => {
  expect(statusOf('iisdevs1', parseStatus(SAMPLE, 'iisdevs1'), 'hpux1').status).toBe('warn');
});

test.each(['frozen', 'MAINTENANCE', 'Started'])('a state word srp does not print in -status (%s) is warn with the word, never up', (word) => {
  expect(statusOf('iisdevs1', parseStatus(inState(word), 'iisdevs1'), 'hpux1')).toEqual({ status: 'warn', log: [`warn: container iisdevs1 is in a state capsule does not know: srp -status says ${word}`] });
});

test('a container the host does not know is down with a warning', () => {
  expect(statusOf('srp1', undefined, 'hpux1')).toEqual({ status: 'down', log: ['warn: no container srp1 on hpux1'] });
});

test('the README shows the declared state table', () => {
  expect(readmeStateTable(readReadme(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(DECLARED.map(({ word, status, why }) => ({ word, status, why })));
});
