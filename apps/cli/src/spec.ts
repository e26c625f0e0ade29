// The shape of a command-line program: global options and a declarative
// table of commands whose code is imported only when the command runs.

export type OptionType = 'boolean' | 'string' | 'number' | 'list';

export interface OptionSpec {
  /** Long name without dashes; also the key in parsed options. */
  name: string;
  short?: string;
  type: OptionType;
  help: string;
  /** Shown in help: `--rid RID`. */
  arg?: string;
  choices?: readonly string[];
}

export interface CommandContext {
  program: string;
  /** Parsed options, keyed by long name. */
  options: Record<string, unknown>;
  positionals: string[];
  format: 'text' | 'json';
  root: string;
  nodename: string;
  /** Directory of the CLI package, whose dependencies are the bundled drivers. */
  appRoot: string;
  /** The environment, read here once: packages get values from the context, never from process.env. */
  env: Readonly<Record<string, string | undefined>>;
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal: what is drawn in place there is printed line after line elsewhere. */
  tty: boolean;
}

/** A command's implementation module. Returns the process exit code. */
export interface CommandModule {
  run(ctx: CommandContext): Promise<number>;
}

export interface CommandSpec {
  /** Action words: `['print', 'status']` accepts `print status` and `print_status`. */
  words: readonly string[];
  summary: string;
  options?: readonly OptionSpec[];
  /** Free arguments after the action words, shown in help (`NAME...`). */
  args?: string;
  /** The command needs `-s SVC`. */
  /** Changes the service or the node: written with its actor and origin to the audit log (and the service log). */
  audited?: boolean | ((options: Record<string, unknown>) => boolean);
  needsService?: boolean;
  load(): Promise<CommandModule>;
}

export interface ProgramSpec {
  name: string;
  summary: string;
  options: readonly OptionSpec[];
  commands: readonly CommandSpec[];
  /** Words of the command run when none is given (svcmon); otherwise help is shown. */
  defaultCommand?: readonly string[];
}

export const commandName = (c: Pick<CommandSpec, 'words'>): string => c.words.join(' ');
