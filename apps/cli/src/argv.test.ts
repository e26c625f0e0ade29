import { isCapsuleError } from '@capsule/core/errors';
import { parseArgs } from './argv.js';
import type { CommandModule, ProgramSpec } from './spec.js';

const load = async (): Promise<CommandModule> => ({ run: async () => 0 });
const program: ProgramSpec = {
  name: 'svcmgr',
  summary: 'test program',
  options: [
    { name: 'service', short: 's', type: 'string', help: 'svc' },
    { name: 'format', type: 'string', choices: ['text', 'json'], help: 'fmt' },
  ],
  commands: [
    { words: ['start'], summary: 'start', load, options: [{ name: 'rid', type: 'list', help: 'rids' }, { name: 'dry-run', type: 'boolean', help: 'dry' }, { name: 'waitlock', type: 'number', help: 'secs' }] },
    { words: ['print', 'status'], summary: 'status', load },
    { words: ['print', 'config'], summary: 'config', load },
    { words: ['print', 'config', 'mtime'], summary: 'mtime', load },
    { words: ['get'], summary: 'get', load, args: 'KEY' },
    // Two commands declaring an option of the same name, each its own object.
    { words: ['switch'], summary: 'switch', load, options: [{ name: 'to', type: 'string', help: 'node' }] },
    { words: ['migrate'], summary: 'migrate', load, options: [{ name: 'to', type: 'string', help: 'node' }] },
  ],
};

test.each<[string, string, Record<string, unknown>, string[]]>([
  ['-s web1 print status', 'print status', { service: 'web1' }, []],
  ['-s web1 print_status', 'print status', { service: 'web1' }, []],
  ['print status -s web1', 'print status', { service: 'web1' }, []],
  ['print --service=web1 status', 'print status', { service: 'web1' }, []],
  ['print config', 'print config', {}, []],
  ['print config mtime', 'print config mtime', {}, []],
  ['print_config_mtime', 'print config mtime', {}, []],
  ['print config_mtime', 'print config mtime', {}, []],
  ['start --rid ip#1,fs#1 --rid app#1 --dry-run', 'start', { rid: ['ip#1', 'fs#1', 'app#1'], 'dry-run': true }, []],
  ['start --waitlock 5', 'start', { waitlock: 5 }, []],
  ['get nodes', 'get', {}, ['nodes']],
  ['get -- --odd', 'get', {}, ['--odd']],
  ['--format json print status', 'print status', { format: 'json' }, []],
  ['switch --to hv2', 'switch', { to: 'hv2' }, []],
  ['migrate --to hv2', 'migrate', { to: 'hv2' }, []],
])('%s -> %s', (line, name, options, positionals) => {
  const r = parseArgs(program, line.split(' '));
  expect(r.command?.words.join(' ')).toBe(name);
  expect(r.options).toEqual(options);
  expect(r.positionals).toEqual(positionals);
  expect(r.help).toBe(false);
});

test.each([
  ['--help', undefined],
  ['help', undefined],
  ['', undefined],
  ['print status --help', 'print status'],
  ['help print status', 'print status'],
  ['start -h', 'start'],
])('%j asks for help on %s', (line, name) => {
  const r = parseArgs(program, line ? line.split(' ') : []);
  expect(r.help).toBe(true);
  expect(r.command?.words.join(' ')).toBe(name);
});

test.each([
  ['prnt status', /unknown command "prnt status"/, /did you mean `svcmgr print status`/],
  ['print_statuss', /unknown command "print_statuss"/, /print status/],
  ['frobnicate', /unknown command "frobnicate"/, /svcmgr --help/],
  ['NO-SUCH-COMMAND --help', /unknown command "NO-SUCH-COMMAND"/, /svcmgr --help/],
  ['prnt status --help', /unknown command "prnt status"/, /did you mean `svcmgr print status`/],
  ['help prnt status', /unknown command "prnt status"/, /did you mean `svcmgr print status`/],
  ['start --bogus', /unknown option --bogus/, /--help/],
  ['start --rid', /--rid needs a value/, /--help/],
  ['-s', /-s needs a value/, /--help/],
  ['start --waitlock soon', /--waitlock expects a number, got "soon"/, /--help/],
  ['print status --format yaml', /--format must be one of text, json/, /--help/],
  ['print status --rid ip#1', /print status does not accept --rid/, /svcmgr print status --help/],
  ['start now', /start takes no argument, got "now"/, /--help/],
  ['start --dry-run=yes', /--dry-run takes no value/, /--help/],
])('%j is a usage error', (line, message, hint) => {
  try {
    parseArgs(program, line.split(' '));
    throw new Error('accepted');
  } catch (e) {
    if (!isCapsuleError(e)) throw e;
    expect(e.code).toBe('UsageError');
    expect(e.message).toMatch(message);
    expect(e.hint).toMatch(hint);
  }
});

test('a default command runs when no action is given', () => {
  const r = parseArgs({ ...program, defaultCommand: ['print', 'status'] }, []);
  expect(r.command?.words).toEqual(['print', 'status']);
});
