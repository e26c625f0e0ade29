// hpvmstatus -M parsing and the status mapping, table-driven.
import { parseMachineLine, statusOf } from '../src/status.js';

const line = (state: string, boot = 'Manual') => `vm1:3:HPUX:uuid::B.06.10::::30:${state}:${boot}:runnable:::::::1;;;:2GB;;:::\n`;

test.each([
  [line('On'), { state: 'On', boot: 'Manual' }],
  [line('Off', 'Auto'), { state: 'Off', boot: 'Auto' }],
  [line('Invalid'), { state: 'Invalid', boot: 'Manual' }],
  ['', undefined],
  ['vm1:3:HPUX\n', undefined],
])('parseMachineLine(%j)', (out, expected) => {
  expect(parseMachineLine(out)).toEqual(expected);
});

test.each([
  [{ state: 'On', boot: 'Manual' }, { status: 'up', log: ['info: hpvmstatus: On'] }],
  [{ state: 'Off', boot: 'Manual' }, { status: 'down', log: ['info: hpvmstatus: Off'] }],
  [{ state: 'Invalid', boot: 'Manual' }, { status: 'warn', log: ['warn: guest vm1 is Invalid (hpvmstatus: Invalid)'] }],
  [undefined, { status: 'down', log: ['warn: no guest vm1 on vmhost1'] }],
])('statusOf(%j)', (s, expected) => {
  expect(statusOf('vm1', s, 'vmhost1')).toEqual(expected);
});
