// lxc-info's output read as a status: every state of lxc_state_t, and output without one.
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync } from 'node:fs';
import { parseLxcInfo, STATES, statusOfLxcState } from './state.js';

// lxc-info -n ct1 of a running container (LXC 5, Debian 12).
const RUNNING = `Name:           ct1
State:          RUNNING
PID:            12345
IP:             10.0.3.15
Link:           vethAbC123
 TX bytes:      1.23 KiB
 RX bytes:      2.34 KiB
`;

test('the State and Link lines of lxc-info', () => {
  expect(parseLxcInfo(RUNNING)).toEqual({ state: 'RUNNING', links: ['vethAbC123'] });
  expect(parseLxcInfo('Name:           ct1\nState:          STOPPED\n')).toEqual({ state: 'STOPPED', links: [] });
  expect(parseLxcInfo('')).toEqual({ state: undefined, links: [] });
  // Only a line that starts with the field counts, not the words inside another line.
  expect(parseLxcInfo('Name:           ct1 State: X Link: Y\nState:          STOPPED\nLink:           veth1\n')).toEqual({ state: 'STOPPED', links: ['veth1'] });
});

test.each<[string, string, string[]]>([
  ['RUNNING', 'up', []],
  ['STOPPED', 'down', []],
  ['FROZEN', 'warn', ['warn: container ct1 is FROZEN (lxc-info): frozen (lxc-freeze): its processes do not run; start thaws it']],
  ['FREEZING', 'warn', ['warn: container ct1 is FREEZING (lxc-info): being frozen']],
  ['THAWED', 'warn', ['warn: container ct1 is THAWED (lxc-info): being thawed (a monitor state lxc-info shows only in passing)']],
  ['STARTING', 'warn', ['warn: container ct1 is STARTING (lxc-info): starting: not yet running']],
  ['STOPPING', 'warn', ['warn: container ct1 is STOPPING (lxc-info): stopping: not yet stopped']],
  ['ABORTING', 'warn', ['warn: container ct1 is ABORTING (lxc-info): a failed start being torn down']],
  ['PAUSED', 'warn', ['warn: container ct1 is in a state capsule does not know: lxc-info says PAUSED']],
])('%s reads %s', (word, status, log) => {
  expect(statusOfLxcState('ct1', word)).toEqual({ status, log });
});

test('every declared state is tested above', () => expect(STATES.map((r) => r.word).sort()).toEqual(['ABORTING', 'FREEZING', 'FROZEN', 'RUNNING', 'STARTING', 'STOPPED', 'STOPPING', 'THAWED']));

test('output without a State line is a warning, never read as stopped', () => {
  expect(statusOfLxcState('ct1', undefined)).toEqual({ status: 'warn', log: ['warn: lxc-info printed no state for container ct1'] });
});

test('the README shows the declared table', () => {
  expect(readmeStateTable(readFileSync(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(STATES.map(({ word, status, why }) => ({ word, status, why })));
});
