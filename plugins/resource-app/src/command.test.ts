import { actionArgv, parseActionValue, shellWords } from './command.js';

test.each<[string, unknown]>([
  ['10', 10],
  ['0', 0],
  ['true', true],
  ['Yes', true],
  ['false', false],
  ['off', false],
  ['/usr/bin/myd --daemon', '/usr/bin/myd --daemon'],
  ['  pg_ctl start  ', 'pg_ctl start'],
])('%j reads as %j (integer first, then boolean, else a command)', (raw, value) => expect(parseActionValue(raw)).toEqual({ value }));

test('an empty value is a problem, not a command', () => expect(parseActionValue('  ')).toHaveProperty('problem'));

test.each<[string, string[] | undefined]>([
  ['a b  c', ['a', 'b', 'c']],
  [`echo 'one two' "three \\"four\\"" five\\ six`, ['echo', 'one two', 'three "four"', 'five six']],
  ['x""y', ['xy']],
  ["''", ['']],
  ["echo 'open", undefined],
])('shellWords(%j)', (line, words) => expect(shellWords(line)).toEqual(words));

test.each<[string, unknown, string | undefined, string[] | undefined]>([
  ['unset, with a script: the launcher', undefined, '/s', ['/s', 'start']],
  ['unset, without a script: nothing', undefined, undefined, undefined],
  ['a sequence number: the launcher', 10, '/s', ['/s', 'start']],
  ['true: the launcher', true, '/s', ['/s', 'start']],
  ['false: nothing, even with a script', false, '/s', undefined],
  ['a command: its words, no shell', '/usr/bin/myd --port "80 81"', '/s', ['/usr/bin/myd', '--port', '80 81']],
  ['shell operators: run by sh', 'pg_ctl start && touch /tmp/x', undefined, ['/bin/sh', '-c', 'pg_ctl start && touch /tmp/x']],
  ['a variable: run by sh', 'myd --home $HOME', undefined, ['/bin/sh', '-c', 'myd --home $HOME']],
  ['an operator inside quotes is a word', "echo 'a|b'", undefined, ['echo', 'a|b']],
])('start %s', (_w, value, script, argv) => expect(actionArgv(value as never, script, 'start')).toEqual(argv));
