import { splitCommandLine } from './command-line.js';

test.each<[string, string, ReturnType<typeof splitCommandLine>]>([
  ['words', '/usr/sbin/fence_ipmilan -a 10.0.0.1  -l admin', { argv: ['/usr/sbin/fence_ipmilan', '-a', '10.0.0.1', '-l', 'admin'] }],
  ['tabs and edges', '\t fence.sh\thv1 ', { argv: ['fence.sh', 'hv1'] }],
  ['single quotes keep everything', `fence -p 'a "b" \\c $d'`, { argv: ['fence', '-p', 'a "b" \\c $d'] }],
  ['double quotes, escaped quote and backslash', 'fence -p "a \\"b\\" \\\\ \\n"', { argv: ['fence', '-p', 'a "b" \\ \\n'] }],
  ['quoted parts join their word', `--name="hv1 east"'s'x`, { argv: ['--name=hv1 eastsx'] }],
  ['an empty quoted argument', `fence '' ""`, { argv: ['fence', '', ''] }],
  ['a backslash outside quotes', 'fence a\\ b', { argv: ['fence', 'a b'] }],
  ['no shell: pipes and variables are plain text', 'fence $HOST | tee ; x', { argv: ['fence', '$HOST', '|', 'tee', ';', 'x'] }],
  ['an open double quote', 'fence "hv1', { problem: 'a double quote is not closed' }],
  ['an open single quote', "fence 'hv1", { problem: 'a single quote is not closed' }],
  ['a trailing backslash', 'fence \\', { problem: 'a backslash ends the line: nothing to escape' }],
  ['blank', '   ', { problem: 'no command' }],
])('%s', (_, line, expected) => {
  expect(splitCommandLine(line)).toEqual(expected);
});
