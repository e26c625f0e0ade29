// VBoxManage's machine states and showvminfo output read as capsule's status,
// against the corpus of what VBoxManage prints (tooling/simulators/vboxmanage/corpus).
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync as readReadme } from 'node:fs';
import { STATES as DECLARED } from './state.js';
import { readFileSync } from 'node:fs';
import { canReceiveTeleport, NOT_FOUND, OFF, parseShowVmInfo, RUNS, STATES, statusOfVmState } from './state.js';

const corpus = (f: string) => readFileSync(new URL(`../../../tooling/simulators/vboxmanage/corpus/${f}`, import.meta.url), 'utf8');
const words = corpus('vmstates.txt').trimEnd().split('\n');

test('the table holds every word of the corpus, once, and nothing else', () => {
  expect(STATES.map((r) => `VMState="${r.word}"`)).toEqual(words);
});

test.each(words)('corpus %s: parsed, then read as the table says', (line) => {
  const word = parseShowVmInfo(`name="vm1"\n${line}\nmemory=1024\n`)['VMState']!;
  const row = STATES.find((r) => r.word === word)!;
  const s = statusOfVmState('vm1', word);
  expect(s.status).toBe(row.status);
  const level = row.status === 'warn' ? 'warn' : row.note;
  expect(s.log).toEqual(level ? [`${level}: machine vm1 is ${word} (VBoxManage): ${row.why}`] : []);
  expect([OFF.has(word), RUNS.has(word)]).toEqual([row.status === 'down', row.status === 'up']);
});

test.each<[string | undefined, string, string[]]>([
  [undefined, 'down', ['warn: VirtualBox has no machine vm1 on this node']],
  ['poweroff', 'down', []],
  ['running', 'up', []],
  ['saved', 'down', ['info: machine vm1 is saved (VBoxManage): its state saved to disk (savestate): start restores it']],
  ['teleported', 'down', ['info: machine vm1 is teleported (VBoxManage): teleported to another host and powered off here: the guest runs there']],
  ['aborted', 'down', ['warn: machine vm1 is aborted (VBoxManage): its VM process died (crash or kill): start boots it afresh']],
  ['aborted-saved', 'down', ['warn: machine vm1 is aborted-saved (VBoxManage): its VM process died, a saved state kept (VirtualBox 7): start restores it']],
  ['paused', 'warn', ['warn: machine vm1 is paused (VBoxManage): paused (controlvm pause): start resumes it']],
  ['hibernating', 'warn', ['warn: machine vm1 is in a state capsule does not know: VBoxManage says hibernating']],
])('state %s reads %s with %j', (state, status, log) => expect(statusOfVmState('vm1', state)).toEqual({ status, log }));

test('escaped strings: a Windows host path and a name with quotes read as VirtualBox holds them (they were read with the backslashes doubled)', () => {
  const info = parseShowVmInfo(corpus('showvminfo-escaped.txt'));
  expect(info).toMatchObject({
    name: 'web "blue"',
    CfgFile: 'C:\\Users\\admin\\VirtualBox VMs\\web\\web.vbox',
    VMState: 'running',
    memory: '2048',
    teleporteraddress: '',
  });
  expect(parseShowVmInfo('"a=b"="c\\\\d"\n')).toEqual({ 'a=b': 'c\\d' });
  expect(parseShowVmInfo('not a line\n')).toEqual({});
});

// VBoxManage 5.2 prints a CPUID override without its newline (VBoxManageInfo.cpp, as vendored in thalium/icebox
// third_party/virtualbox: RTPrintf("cpuid=%08x,%08x,%08x,%08x,%08x,%08x", ...)),
// so the next line is glued to it: that line is neither key, and the lines around it still read.
test('a CPUID override glued to the next line (VBoxManage 5.2) is read as no key', () => {
  const out = 'name="vm1"\ncpuid=00000001,00000000,000306a9,00100800,3d9ae3bf,078bfbffbootmenu="messageandmenu"\nVMState="running"\n';
  expect(parseShowVmInfo(out)).toEqual({ name: 'vm1', VMState: 'running' });
});

test('an inaccessible machine has no VMState: it says so, it is not a running machine', () => {
  expect(parseShowVmInfo(corpus('showvminfo-inaccessible.txt'))).toEqual({ name: '<inaccessible>', UUID: '6c1f2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b' });
});

test('the not-found error of the corpus is a machine VirtualBox does not have', () => {
  expect(NOT_FOUND.test(corpus('showvminfo-not-found.txt'))).toBe(true);
  expect(NOT_FOUND.test('VBoxManage: error: Could not find file')).toBe(false);
});

test.each<[string | undefined, boolean]>([
  ['poweroff', true],
  ['aborted', true],
  ['saved', true],
  // The source of an earlier teleport: refused before, so a machine could not be teleported back.
  ['teleported', true],
  ['running', false],
  ['teleportingin', false],
  ['aborted-saved', false],
  [undefined, false],
])('a teleport target in state %s: %s', (state, ok) => expect(canReceiveTeleport(state)).toBe(ok));

test('the README shows the declared state table', () => {
  expect(readmeStateTable(readReadme(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(DECLARED.map(({ word, status, why }) => ({ word, status, why })));
});
