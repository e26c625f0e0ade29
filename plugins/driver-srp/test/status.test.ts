// `srp -status` parsing and the status mapping, table-driven.
import { parseStatus, statusOf } from '../src/status.js';

const HEADER = 'NAME         TYPE      STATE       SUBTYPE    ROOTPATH\n';
const row = (name: string, state: string) => `${name.padEnd(12)} system    ${state.padEnd(11)} private    /var/hpsrp/${name}\n`;

test.each([
  [HEADER + row('srp1', 'started'), 'srp1', { type: 'system', state: 'started', subtype: 'private', rootpath: '/var/hpsrp/srp1' }],
  [HEADER + row('srp2', 'stopped') + row('srp1', 'maintenance'), 'srp1', { type: 'system', state: 'maintenance', subtype: 'private', rootpath: '/var/hpsrp/srp1' }],
  [HEADER + row('srp2', 'started'), 'srp1', undefined],
  // The header's NAME is not a container called NAME.
  [HEADER, 'NAME', undefined],
  ['', 'srp1', undefined],
])('parseStatus(…, %s)', (out, name, expected) => {
  expect(parseStatus(out, name)).toEqual(expected);
});

test.each([
  ['started', 'up', 'info: srp: started'],
  ['stopped', 'down', 'info: srp: stopped'],
  ['starting', 'warn', 'warn: container srp1 is starting (srp: starting)'],
  ['stopping', 'warn', 'warn: container srp1 is stopping (srp: stopping)'],
  ['maintenance', 'warn', 'warn: container srp1 is in maintenance: software is being installed or removed (srp: maintenance)'],
])('statusOf(%s)', (state, status, line) => {
  expect(statusOf('srp1', { type: 'system', state, subtype: 'private', rootpath: '/r' }, 'hpux1')).toEqual({ status, log: [line] });
});

test('a container the host does not know is down with a warning', () => {
  expect(statusOf('srp1', undefined, 'hpux1')).toEqual({ status: 'down', log: ['warn: no container srp1 on hpux1'] });
});
