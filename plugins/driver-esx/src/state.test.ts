// vCenter's answers to capsule's status, tested against the corpus of what
// the vSphere Automation API printed (tooling/simulators/vsphere/corpus, with its sources).
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync as readReadme } from 'node:fs';
import { STATES as DECLARED } from './state.js';
import { readFileSync } from 'node:fs';
import { crashed, guestShutdownOutcome, MISSING, parsePower, STATES, statusOfPower, vmsNamed } from './state.js';

const corpus = (f: string) => JSON.parse(readFileSync(new URL(`../../../tooling/simulators/vsphere/corpus/${f}`, import.meta.url), 'utf8')) as unknown;

test.each<[string, string, boolean]>([
  ['power-on.json', 'POWERED_ON', false],
  ['power-off.json', 'POWERED_OFF', false],
  ['power-off-crashed.json', 'POWERED_OFF', true],
  ['power-suspended.json', 'SUSPENDED', false],
])('corpus: %s is %s (crashed %s)', (file, word, crash) => {
  expect(parsePower(corpus(file))).toBe(word);
  expect(crashed(corpus(file))).toBe(crash);
});

test.each<[unknown, string]>([
  [{}, 'no state in {}'],
  [undefined, 'no state in an empty answer'],
  [{ state: 7 }, 'no state in {"state":7}'],
  [{ value: { state: 'POWERED_ON' } }, 'no state in {"value":{"state":"POWERED_ON"}}'],
])('a power answer without a state word (%j) is described, not undefined', (json, word) => {
  expect(parsePower(json)).toBe(word);
  expect(statusOfPower('vm1', word).status).toBe('warn');
});

test.each<[unknown, boolean]>([
  [{ state: 'POWERED_OFF' }, false],
  [{ state: 'POWERED_OFF', clean_power_off: 'false' }, false],
  [undefined, false],
])('clean_power_off absent or not a boolean false is no crash: %j', (json, crash) => expect(crashed(json)).toBe(crash));

test.each<[string, string, string[]]>([
  ['POWERED_ON', 'up', ['info: POWERED_ON']],
  ['POWERED_OFF', 'down', ['info: POWERED_OFF']],
  ['SUSPENDED', 'warn', ['warn: vm1 is SUSPENDED (vCenter): suspended: its memory is on disk, start resumes it, stop powers it off']],
  [MISSING, 'down', ['info: vCenter no longer knows vm1']],
  ['PAUSED', 'warn', ['warn: vm1 is in a power state capsule does not know: vCenter says PAUSED']],
])('%s reads %s with the word in the log', (word, status, log) => expect(statusOfPower('vm1', word)).toEqual({ status, log }));

test('an empty state word is a power state capsule does not know, never the word of a VM vCenter lost', () => {
  expect(statusOfPower('vm1', parsePower({ state: '' }))).toEqual({ status: 'warn', log: ['warn: vm1 is in a power state capsule does not know: vCenter says '] });
});

test('a VM powered off uncleanly is down, with a warning that it crashed; the flag means nothing in other states', () => {
  expect(statusOfPower('vm1', 'POWERED_OFF', { crashed: true })).toEqual({ status: 'down', log: ['info: POWERED_OFF', 'warn: vm1 was not powered off cleanly (clean_power_off false): it crashed or was cut off'] });
  expect(statusOfPower('vm1', 'POWERED_ON', { crashed: true })).toEqual({ status: 'up', log: ['info: POWERED_ON'] });
});

test.each(STATES.map((r) => [r.word, r.status] as const))('the declared table: %s reads %s', (word, status) => {
  expect(statusOfPower('vm1', word).status).toBe(status);
  expect(parsePower({ state: word })).toBe(word);
});

test('corpus: the VM list is read by exact name; an answer that is not a list of VMs is undefined, never an exception', () => {
  const list = corpus('vm-list.json');
  expect(vmsNamed(list, 'vCLS-e89f3630-0f4d-4adb-bac5-1912e2b5d8ab')).toEqual([{ cpu_count: 1, memory_size_MiB: 128, name: 'vCLS-e89f3630-0f4d-4adb-bac5-1912e2b5d8ab', power_state: 'POWERED_OFF', vm: 'vm-1023' }]);
  expect(vmsNamed(list, 'vCLS')).toEqual([]);
  expect(vmsNamed([], 'x')).toEqual([]);
  // The /rest API's shape, an error body, a list with a stranger in it.
  expect(vmsNamed({ value: list }, 'x')).toBeUndefined();
  expect(vmsNamed(corpus('vcsim-error-empty.json'), 'x')).toBeUndefined();
  expect(vmsNamed([{ vm: 'vm-1', name: 'a' }, { vm: 2, name: 'b' }], 'a')).toBeUndefined();
  expect(vmsNamed([{ vm: 'vm-1', name: 'a' }, null], 'a')).toBeUndefined();
  expect(vmsNamed([{ vm: 'vm-1' }], 'a')).toBeUndefined();
  expect(vmsNamed([{ vm: 'vm-1', name: 'a' }, 'vm-2'], 'a')).toBeUndefined();
});

test.each<[number, string | undefined, string]>([
  [204, undefined, 'asked'],
  [200, undefined, 'asked'],
  // "AlreadyInDesiredState if the virtual machine is not powered on": it went off meanwhile, nothing to force.
  [400, 'ALREADY_IN_DESIRED_STATE', 'off'],
  [400, 'NOT_ALLOWED_IN_CURRENT_STATE', 'refused'],
  [503, 'SERVICE_UNAVAILABLE', 'refused'],
  [500, 'RESOURCE_BUSY', 'refused'],
  [401, undefined, 'refused'],
])('guest shutdown answered %d %s: %s', (status, type, outcome) => expect(guestShutdownOutcome(status, type)).toBe(outcome));

test('corpus: the error bodies carry their type where the driver reads it', () => {
  expect((corpus('stop-already-off.json') as { error_type: string }).error_type).toBe('ALREADY_IN_DESIRED_STATE');
  expect((corpus('guest-identity-no-tools.json') as { error_type: string }).error_type).toBe('SERVICE_UNAVAILABLE');
});

test('the README shows the declared state table', () => {
  expect(readmeStateTable(readReadme(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(DECLARED.map(({ word, status, why }) => ({ word, status, why })));
});
