// zoneadm's list output and state words to capsule's status, tested against
// the corpus of what zoneadm prints (tooling/simulators/zones/corpus, with
// its sources).
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync as readReadme } from 'node:fs';
import { STATES as DECLARED } from './state.js';
import { readFileSync } from 'node:fs';
import { NO_ZONE, parseZoneadmList, STATES, statusOfZone } from './state.js';

const corpus = (f: string) => readFileSync(new URL(`../../../tooling/simulators/zones/corpus/${f}`, import.meta.url), 'utf8');

test.each<[string, string, { state: string; zonepath: string; brand: string }]>([
  ['list-p-illumos.txt', 'web1', { state: 'running', zonepath: '/zones/web1', brand: 'ipkg' }],
  ['list-p-illumos.txt', 'web2', { state: 'ready', zonepath: '/zones/web2', brand: 'ipkg' }],
  ['list-p-illumos.txt', 'web3', { state: 'shutting_down', zonepath: '/zones/web3', brand: 'ipkg' }],
  ['list-p-illumos.txt', 'web4', { state: 'down', zonepath: '/zones/web4', brand: 'ipkg' }],
  ['list-p-illumos.txt', 'db1', { state: 'installed', zonepath: '/zones/db1', brand: 'ipkg' }],
  ['list-p-illumos.txt', 'db2', { state: 'configured', zonepath: '/zones/db2', brand: 'ipkg' }],
  ['list-p-illumos.txt', 'db3', { state: 'incomplete', zonepath: '/zones/db3', brand: 'ipkg' }],
  ['list-p-illumos.txt', 'db4', { state: 'mounted', zonepath: '/zones/db4', brand: 'ipkg' }],
  // The defect: split on every colon, this kernel zone read as brand "7c6b5a49-..." and was refused live migration.
  ['list-p-colon.txt', 'nfs1', { state: 'installed', zonepath: '/net/filer:vol1/zones/nfs1', brand: 'solaris-kz' }],
  ['list-p-solaris11.txt', 'global', { state: 'running', zonepath: '/', brand: 'solaris' }],
  ['list-p-solaris11.txt', 'testzone1', { state: 'running', zonepath: '/export/zones/testzone1', brand: 'solaris' }],
  ['list-p-solaris11.txt', 'testzone', { state: 'installed', zonepath: '/export/zones/testzone', brand: 'solaris' }],
  ['list-p-solaris11.4.txt', 'pioupiou', { state: 'installed', zonepath: '/pioupiou/solaris11', brand: 'solaris' }],
])('corpus %s: zone %s', (file, name, expected) => {
  expect(parseZoneadmList(corpus(file), name)).toEqual(expected);
});

test('a zone no line names, and lines too short to be zoneadm\'s, are undefined', () => {
  expect(parseZoneadmList(corpus('list-p-illumos.txt'), 'web')).toBeUndefined();
  expect(parseZoneadmList('', 'web1')).toBeUndefined();
  expect(parseZoneadmList('3:web1:running:/zones/web1:uuid:ipkg\n', 'web1')).toBeUndefined();
  expect(parseZoneadmList('3:web1:running:/zones/web1:uuid:ipkg:excl\n', 'web1')).toEqual({ state: 'running', zonepath: '/zones/web1', brand: 'ipkg' });
});

test('corpus: every state word zoneadm prints has a row, and no row is a word zoneadm does not print', () => {
  expect(STATES.map((r) => r.word).sort()).toEqual(corpus('states.txt').split('\n').filter(Boolean).sort());
});

test('corpus: zoneadm\'s words for a zone that is not configured here', () => {
  const [missing] = corpus('errors.txt').split('\n');
  expect(NO_ZONE.test(missing!)).toBe(true);
  expect(NO_ZONE.test("zoneadm: zone 'web1': not running")).toBe(false);
});

test.each(STATES.map((r) => [r.word, r.status, r.why] as const))('the declared table: %s reads %s', (word, status, why) => {
  const line = `-:web1:${word}:/zones/web1:uuid:ipkg:shared\n`;
  expect(statusOfZone('web1', parseZoneadmList(line, 'web1')!.state)).toEqual({ status, log: status === 'warn' ? [`warn: zone web1 is ${word}: ${why}`] : [] });
});

test('up only when running; down only for the stopped states', () => {
  expect(STATES.filter((r) => r.status === 'up').map((r) => r.word)).toEqual(['running']);
  expect(STATES.filter((r) => r.status === 'down').map((r) => r.word)).toEqual(['installed', 'configured']);
});

// `unknown` is what libzonecfg's zone_state_str() prints for a state number it has no word for.
test.each(['quiesced', 'unknown', '', 'RUNNING'])('a state capsule does not know (%j) is warn with zoneadm\'s word, never up', (word) => {
  expect(statusOfZone('web1', word)).toEqual({ status: 'warn', log: [`warn: zone web1 is in a state capsule does not know: zoneadm says ${word}`] });
});

test('the README shows the declared state table', () => {
  expect(readmeStateTable(readReadme(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(DECLARED.map(({ word, status, why }) => ({ word, status, why })));
});
