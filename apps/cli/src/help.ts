// Help text, generated from the program and command tables.
import { commandName, type CommandSpec, type OptionSpec, type ProgramSpec } from './spec.js';

function optionLine(o: OptionSpec): [string, string] {
  const flag = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.type === 'boolean' ? '' : ` ${o.arg ?? o.name.toUpperCase()}`}`;
  return [flag, o.help + (o.choices ? ` (${o.choices.join('|')})` : '')];
}

function columns(rows: Array<[string, string]>, indent = '  '): string {
  const width = Math.max(0, ...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `${indent}${a.padEnd(width)}  ${b}`.trimEnd()).join('\n');
}

export function programHelp(p: ProgramSpec): string {
  const svc = p.commands.some((c) => c.needsService) ? ' -s SVC' : '';
  return [
    `${p.name}: ${p.summary}`,
    '',
    `usage: ${p.name}${svc} COMMAND [OPTIONS]`,
    '',
    'commands:',
    columns(p.commands.map((c) => [commandName(c), c.summary])),
    '',
    'options:',
    columns(p.options.map(optionLine)),
    '',
    `Action words may be joined by underscores (print_status). \`${p.name} COMMAND --help\` describes a command.`,
    '',
  ].join('\n');
}

export function commandHelp(p: ProgramSpec, c: CommandSpec): string {
  const svc = c.needsService ? ' -s SVC' : '';
  const opts = c.options ?? [];
  return [
    `usage: ${p.name}${svc} ${commandName(c)}${c.args ? ` ${c.args}` : ''}${opts.length ? ' [OPTIONS]' : ''}`,
    '',
    c.summary,
    '',
    ...(opts.length ? ['options:', columns(opts.map(optionLine)), ''] : []),
    'global options:',
    columns(p.options.map(optionLine)),
    '',
  ].join('\n');
}
