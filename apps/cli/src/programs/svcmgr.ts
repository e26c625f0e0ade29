// svcmgr: acts on one service (-s SVC).
import type { CommandModule, CommandSpec, OptionSpec, ProgramSpec } from '../spec.js';
import { format, service, version } from './options.js';

type ConfigCommands = typeof import('../commands/config.js');
const config = (name: keyof ConfigCommands) => async (): Promise<CommandModule> => ({ run: (await import('../commands/config.js'))[name] });

const evalOpt: OptionSpec = { name: 'eval', type: 'boolean', help: 'show values as this node reads them: scoped, references resolved, typed' };
const impersonate: OptionSpec = { name: 'impersonate', type: 'string', arg: 'NODE', help: 'with --eval, read the file as NODE would (a guest, a peer)' };
const param: OptionSpec = { name: 'param', type: 'string', arg: 'KEY', help: 'SECTION.KEYWORD[@SCOPE]; DEFAULT when no section (nodes, fs#1.mnt)' };

const configCommands: CommandSpec[] = [
  { words: ['validate', 'config'], summary: 'check the service file: syntax, keywords, types, scopes, references, drivers', needsService: true, load: config('validate') },
  { words: ['print', 'config'], summary: 'print the service file, or with --eval as this node reads it', needsService: true, options: [evalOpt, impersonate], load: config('print') },
  { words: ['print', 'config', 'mtime'], summary: 'print the service file modification time (ms since the epoch)', needsService: true, load: config('mtime') },
  { words: ['get'], summary: 'print the value of one keyword', needsService: true, options: [param, evalOpt, impersonate], load: config('get') },
  { words: ['set'], summary: 'set one keyword, atomically, if the result validates', needsService: true, options: [param, { name: 'value', type: 'string', arg: 'V', help: 'the new value' }], load: config('set') },
  { words: ['unset'], summary: 'remove one keyword, atomically, if the result validates', needsService: true, options: [param], load: config('unset') },
  { words: ['edit', 'config'], summary: 'edit the service file with $EDITOR; installed only if it validates', needsService: true, load: config('edit') },
  { words: ['create'], summary: 'install FILE as the service file, if it validates', needsService: true, options: [{ name: 'config', type: 'string', arg: 'FILE', help: 'the service file to install' }], load: config('create') },
];

export const svcmgr: ProgramSpec = {
  name: 'svcmgr',
  summary: 'manage a capsule service on this node',
  options: [service, format, version],
  commands: [{ words: ['ls'], summary: 'list the services configured on this node', load: () => import('../commands/ls.js') }, ...configCommands],
};
