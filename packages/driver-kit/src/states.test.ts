import { readmeStateTable, stateRow, stateTableMarkdown, statusOfState, type StateTable } from './states.js';

const TABLE: StateTable = [
  { word: 'running', status: 'up', why: 'it runs' },
  { word: 'shut off', status: 'down', why: 'stopped cleanly' },
  { word: 'crashed', status: 'down', why: 'stopped by a fault: start boots it again', note: 'warn' },
  { word: 'a|b', status: 'warn', why: 'a word with a pipe | in its reason' },
];

test('a README table round-trips: markdown of the table reads back as the table', () => {
  const readme = `# driver\n\n## States\n\nSome prose.\n\n${stateTableMarkdown(TABLE)}\n\n## Other\n\n| \`x\` | up | not a state row |\n`;
  expect(readmeStateTable(readme)).toEqual(TABLE.map(({ word, status, why }) => ({ word, status, why })));
});

test('a README without a States section has no rows', () => {
  expect(readmeStateTable(`# driver\n\n${stateTableMarkdown(TABLE)}\n`)).toEqual([]);
});

test.each<[string, string, string[]]>([
  ['running', 'up', []],
  ['shut off', 'down', []],
  ['crashed', 'down', ['warn: vm1 is crashed (virsh domstate): stopped by a fault: start boots it again']],
  ['a|b', 'warn', ['warn: vm1 is a|b (virsh domstate): a word with a pipe | in its reason']],
  ['pmsuspended', 'warn', ['warn: vm1 is in a state capsule does not know: virsh domstate says pmsuspended']],
])('%s reads %s', (word, status, log) => {
  expect(statusOfState(TABLE, 'vm1', word, 'virsh domstate')).toEqual({ status, log });
});

test('rows are found by their exact word', () => {
  expect(stateRow(TABLE, 'crashed')?.status).toBe('down');
  expect(stateRow(TABLE, 'Crashed')).toBeUndefined();
});
