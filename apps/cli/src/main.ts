// Runs one program invocation: parse, help, lazy-load the command, print errors.
import { requireNode } from '@capsule/core/engines';
import { CapsuleError, formatError, isCapsuleError } from '@capsule/core/errors';
import { parseArgs } from './argv.js';
import { capsuleRoot, nodename } from '@capsule/runtime/node';
import { appRoot } from './app.js';
import { exitCodeOf } from './interrupt.js';
import { asNeedsRoot } from './needs-root.js';
import { commandHelp, programHelp } from './help.js';
import type { CommandContext, ProgramSpec } from './spec.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Whether `out` is a terminal; not unless said. */
  tty?: boolean;
  /** The Node running this (process.versions.node unless a test says otherwise). */
  nodeVersion?: string;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
  tty: process.stdout.isTTY === true,
};

async function cliVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return (JSON.parse(await readFile(`${appRoot}/package.json`, 'utf8')) as { version: string }).version;
}

export async function run(program: ProgramSpec, argv: readonly string[], io: Io = processIo): Promise<number> {
  // Known before parsing, so that a usage error is reported in the format asked for.
  let format: 'text' | 'json' = argv.some((a, i) => a === '--format=json' || (a === '--format' && argv[i + 1] === 'json')) ? 'json' : 'text';
  try {
    requireNode(io.nodeVersion ?? process.versions.node, program.name);
    const parsed = parseArgs(program, argv);
    format = parsed.options['format'] === 'json' ? 'json' : 'text';
    if (parsed.options['version']) {
      io.out(`${program.name} ${await cliVersion()}\n`);
      return 0;
    }
    if (parsed.help || !parsed.command) {
      io.out(parsed.command ? commandHelp(program, parsed.command) : programHelp(program));
      return 0;
    }
    const command = parsed.command;
    if (command.needsService && !parsed.options['service']) {
      throw new CapsuleError('UsageError', `${program.name} ${command.words.join(' ')}: no service given`, {
        hint: `name the service with -s SVC (\`${program.name} ls\` lists them)`,
      });
    }
    const ctx: CommandContext = {
      program: program.name,
      options: parsed.options,
      positionals: parsed.positionals,
      format,
      root: capsuleRoot(io.env),
      nodename: nodename(io.env),
      appRoot,
      env: io.env,
      out: io.out,
      err: io.err,
      tty: io.tty === true,
    };
    const mod = await command.load();
    const isAudited = typeof command.audited === 'function' ? command.audited(ctx.options) : command.audited === true;
    if (!isAudited) return await mod.run(ctx);
    return await audited(ctx, argv, () => mod.run(ctx));
  } catch (thrown) {
    const e = asNeedsRoot(thrown, program.name);
    if (format === 'json') {
      const body = isCapsuleError(e) ? e.toJSON() : { code: 'InternalError', message: (e as Error).message ?? String(e), details: {} };
      io.err(JSON.stringify({ error: body }) + '\n');
    } else {
      io.err(`error: ${formatError(e)}\n`);
      if (!isCapsuleError(e) && io.env['CAPSULE_DEBUG']) io.err(`${(e as Error).stack}\n`);
    }
    return exitCodeOf(e);
  }
}

/**
 * Runs a command that changes something, its begin and its end in the audit
 * log. A log that cannot be written is never fatal, and is said once, when
 * the command did change something (a failed command has its own error: a
 * non-root user's is NeedsRoot).
 */
async function audited(ctx: CommandContext, argv: readonly string[], fn: () => Promise<number>): Promise<number> {
  const { actorOf, audit } = await import('@capsule/runtime/audit');
  const entry = { root: ctx.root, program: ctx.program, argv, actor: actorOf(ctx.env), ...(typeof ctx.options['service'] === 'string' ? { service: ctx.options['service'] } : {}) };
  let failed: Error | undefined;
  const write = (more: { code?: number; ms?: number }) => audit({ ...entry, ...more }).catch((e: Error) => void (failed ??= e));
  const t0 = Date.now();
  await write({});
  let code = 1;
  try {
    code = await fn();
    return code;
  } catch (e) {
    code = exitCodeOf(asNeedsRoot(e, ctx.program));
    throw e;
  } finally {
    await write({ code, ms: Date.now() - t0 });
    if (failed && code === 0) ctx.err(`warning: cannot write the audit log: ${failed.message}\n`);
  }
}
