// vzctl status words to capsule's status, with vzctl's words in the log.
import { parseVzStatus, statusOfVz } from './state.js';

test('vzctl status lines of OpenVZ (CTID) and Virtuozzo 7 (VEID); anything else is unreadable', () => {
  expect(parseVzStatus('CTID 101 exist mounted running\n')).toEqual({ exists: true, mounted: true, run: 'running', words: 'exist mounted running' });
  expect(parseVzStatus('VEID 101 deleted unmounted down\n')).toMatchObject({ exists: false, run: 'down' });
  expect(parseVzStatus('Container config file does not exist')).toBeUndefined();
});

test.each([
  ['CTID 101 exist mounted running', 'up', ['info: vzctl status: exist mounted running']],
  ['CTID 101 exist unmounted down', 'down', []],
  ['CTID 101 exist mounted down', 'down', ['warn: container 101 is stopped but still mounted (vzctl status: exist mounted down)']],
  ['CTID 101 deleted unmounted down', 'down', ['warn: no container 101 (vzctl status: deleted unmounted down)']],
  ['CTID 101 exist mounted paused', 'warn', ['warn: container 101 is paused (vzctl status: exist mounted paused)']],
  ['CTID 101 exist unmounted suspended', 'warn', ['warn: container 101 is suspended (vzctl status: exist unmounted suspended)']],
])('%s is %s', (line, status, log) => {
  expect(statusOfVz('101', parseVzStatus(line)!)).toEqual({ status, log });
});
