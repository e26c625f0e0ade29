// Table-driven argument parsing: options anywhere, OpenSVC action words
// written with spaces or underscores (`print status` = `print_status`).
import { CapsuleError } from '@capsule/core/errors';
import { closest } from '@capsule/core/suggest';
import { commandName, type CommandSpec, type OptionSpec, type ProgramSpec } from './spec.js';

export interface ParsedArgs {
  command?: CommandSpec;
  options: Record<string, unknown>;
  positionals: string[];
  help: boolean;
}

const HELP: OptionSpec = { name: 'help', short: 'h', type: 'boolean', help: 'show help' };

function usageError(program: ProgramSpec, message: string, hint?: string): CapsuleError {
  return new CapsuleError('UsageError', `${program.name}: ${message}`, { hint: hint ?? `run \`${program.name} --help\` for the list of commands and options` });
}

/** Every option any command accepts, so values can be told apart from action words before the command is known. */
function optionIndex(program: ProgramSpec): Map<string, OptionSpec> {
  const index = new Map<string, OptionSpec>();
  for (const o of [HELP, ...program.options, ...program.commands.flatMap((c) => c.options ?? [])]) {
    index.set(`--${o.name}`, o);
    if (o.short) index.set(`-${o.short}`, o);
  }
  return index;
}

function convert(program: ProgramSpec, o: OptionSpec, raw: string): unknown {
  if (o.type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw usageError(program, `--${o.name} expects a number, got "${raw}"`);
    return n;
  }
  if (o.choices && !o.choices.includes(raw)) throw usageError(program, `--${o.name} must be one of ${o.choices.join(', ')}, got "${raw}"`);
  return raw;
}

/** Longest run of leading words naming a command; `print_status` is split into its words first. */
function matchCommand(program: ProgramSpec, words: string[]): { command?: CommandSpec; used: number } {
  const split = words.flatMap((w, i) => w.split('_').map((part) => ({ part, token: i })));
  let best: { command?: CommandSpec; used: number } = { used: 0 };
  for (const c of program.commands) {
    const n = c.words.length;
    if (n > split.length || c.words.some((w, i) => split[i]!.part !== w)) continue;
    // A match must end on a whole token: `print_status_x` is not `print status`.
    const last = split[n - 1]!.token;
    if (split[n] && split[n]!.token === last) continue;
    if (!best.command || n > best.command.words.length) best = { command: c, used: last + 1 };
  }
  return best;
}

export function parseArgs(program: ProgramSpec, argv: readonly string[]): ParsedArgs {
  const index = optionIndex(program);
  const options: Record<string, unknown> = {};
  const given: OptionSpec[] = [];
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (!tok.startsWith('-') || tok === '-') {
      words.push(tok);
      continue;
    }
    const eq = tok.indexOf('=');
    const flag = eq > 0 ? tok.slice(0, eq) : tok;
    const o = index.get(flag);
    if (!o) throw usageError(program, `unknown option ${flag}`);
    given.push(o);
    if (o.type === 'boolean') {
      if (eq > 0) throw usageError(program, `--${o.name} takes no value`);
      options[o.name] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq > 0) raw = tok.slice(eq + 1);
    else raw = argv[++i];
    if (raw === undefined) throw usageError(program, `${flag} needs a value${o.arg ? ` (${o.arg})` : ''}`);
    const value = convert(program, o, raw);
    if (o.type === 'list') options[o.name] = [...((options[o.name] as string[] | undefined) ?? []), ...raw.split(',').filter(Boolean)];
    else options[o.name] = value;
  }
  const help = options['help'] === true || words[0] === 'help';
  if (words[0] === 'help') words.shift();
  if (words.length === 0 && program.defaultCommand && !help) words.push(...program.defaultCommand);
  const { command, used } = matchCommand(program, words);
  if (!command) {
    if (words.length === 0) return { options, positionals: [], help: true };
    // `--help` on a command that does not exist names it, as without --help: general help would hide the typo.
    const typed = words.join(' ');
    const near = closest(typed.replace(/_/g, ' '), program.commands.map(commandName));
    throw usageError(program, `unknown command "${typed}"`, near ? `did you mean \`${program.name} ${near}\`? (\`${program.name} --help\` lists all commands)` : undefined);
  }
  // By name: two commands may each declare an option of the same name (switch and migrate both take --to).
  const allowed = new Set([HELP, ...program.options, ...(command.options ?? [])].map((o) => o.name));
  const stray = given.find((o) => !allowed.has(o.name));
  if (stray && !help) throw usageError(program, `${commandName(command)} does not accept --${stray.name}`, `run \`${program.name} ${commandName(command)} --help\``);
  const positionals = words.slice(used);
  if (positionals.length && !command.args && !help) throw usageError(program, `${commandName(command)} takes no argument, got "${positionals.join(' ')}"`);
  return { command, options, positionals, help };
}
