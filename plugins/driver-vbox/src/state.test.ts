// Every VMState VBoxManage prints (tooling/simulators/vboxmanage/corpus), read as a status.
import { readFileSync } from 'node:fs';
import { statusOfVmState } from './state.js';

const states = readFileSync(new URL('../../../tooling/simulators/vboxmanage/corpus/vmstates.txt', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => /^VMState="(.*)"$/.exec(l)![1]!);

const expected: Record<string, string> = {
  running: 'up',
  poweroff: 'down',
  saved: 'down',
  aborted: 'down',
  'aborted-saved': 'down',
  teleported: 'down',
};

test.each(states)('VMState %s', (state) => {
  const s = statusOfVmState('vm1', state);
  expect(s.status).toBe(expected[state] ?? 'warn');
  // Never up for anything but running; the word is always said when it is not plain.
  if (!['running', 'poweroff'].includes(state)) expect(s.log.join(' ')).toContain(state === 'gurumeditation' ? 'guru meditation' : state === 'teleported' ? 'teleported' : state);
});

test('no machine: down, said', () => expect(statusOfVmState('vm1', undefined)).toEqual({ status: 'down', log: ['warn: VirtualBox has no machine vm1 on this node'] }));
