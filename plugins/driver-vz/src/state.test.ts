// vzctl status words to capsule's status, with vzctl's words in the log.
import { readFileSync } from 'node:fs';
import { parseVzStatus, statusOfVz } from './state.js';

test('vzctl status lines of OpenVZ (CTID) and Virtuozzo 7 (VEID); anything else is unreadable', () => {
  expect(parseVzStatus('CTID 101 exist mounted running\n')).toEqual({ exists: true, mounted: true, run: 'running', dump: false, words: 'exist mounted running' });
  expect(parseVzStatus('VEID 101 deleted unmounted down\n')).toMatchObject({ exists: false, run: 'down' });
  expect(parseVzStatus('Container config file does not exist')).toBeUndefined();
});

test.each([
  ['CTID 101 exist mounted running', 'up', ['info: vzctl status: exist mounted running']],
  ['CTID 101 exist unmounted down', 'down', []],
  ['CTID 101 exist mounted down', 'down', ['warn: container 101 is stopped but still mounted (vzctl status: exist mounted down)']],
  ['CTID 101 deleted unmounted down', 'down', ['warn: no container 101 (vzctl status: deleted unmounted down)']],
  ['CTID 101 exist mounted paused', 'warn', ['warn: container 101 is paused (vzctl status: exist mounted paused)']],
  ['CTID 101 exist unmounted suspended', 'down', ['warn: container 101 is suspended: start restores it from its dump (vzctl status: exist unmounted suspended)']],
])('%s is %s', (line, status, log) => {
  expect(statusOfVz('101', parseVzStatus(line)!)).toEqual({ status, log });
});

describe('the corpus of what vzctl prints, every version (tooling/simulators/vzctl/corpus)', () => {
  const lines = (f: string) => readFileSync(new URL(`../../../tooling/simulators/vzctl/corpus/${f}`, import.meta.url), 'utf8').trim().split('\n');
  const all = ['status-4x.txt', 'status-3x-running-suspended.txt', 'status-veid.txt', 'status-vpsid.txt'].flatMap(lines);
  const expected: Record<string, string> = {
    'exist mounted running': 'up',
    'exist unmounted down': 'down',
    'exist unmounted down suspended': 'down',
    'deleted unmounted down': 'down',
    'exist mounted down': 'down',
    'exist mounted running suspended': 'up',
    'exist mounted paused': 'warn',
    'exist unmounted suspended': 'down',
  };
  test.each(all)('%s', (line) => {
    const s = parseVzStatus(line);
    expect(s).toBeDefined();
    expect(statusOfVz('101', s!).status).toBe(expected[s!.words]);
  });
});
