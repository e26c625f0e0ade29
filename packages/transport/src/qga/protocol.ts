// The QEMU guest agent's JSON for running a command: the `guest-exec`
// request, the `guest-exec-status` request, and what their answers mean.
// Pure: the virsh calls and the polling are in exec.ts.
import type { ExecOptions } from '@capsule/core';

/** qemu-ga keeps at most this much of each stream; past it the answer says `*-truncated`. */
export const QGA_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * guest-exec's `env` replaces the agent's environment instead of adding to
 * it: without a PATH the command would run with none (and qemu-ga resolves
 * argv[0] with the PATH it passes), so the usual one is given.
 */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface QgaCommand {
  execute: string;
  arguments?: Record<string, unknown>;
}

/** `guest-exec` for argv, with stdin, environment and working directory. */
export function execRequest(argv: readonly string[], o: Pick<ExecOptions, 'input' | 'env' | 'cwd'> = {}): QgaCommand {
  // guest-exec has no working directory: a shell changes to it, then becomes the command.
  const words = o.cwd ? ['sh', '-c', 'cd -- "$1" && shift && exec "$@"', 'sh', o.cwd, ...argv] : [...argv];
  const [path, ...arg] = words;
  if (!path) throw new Error('qga exec: empty argv');
  const env = o.env ? Object.entries({ PATH: DEFAULT_PATH, ...o.env }).map(([k, v]) => `${k}=${v}`) : undefined;
  return {
    execute: 'guest-exec',
    arguments: {
      path,
      arg,
      ...(env ? { env } : {}),
      ...(o.input !== undefined ? { 'input-data': Buffer.from(o.input).toString('base64') } : {}),
      'capture-output': true,
    },
  };
}

export function statusRequest(pid: number): QgaCommand {
  return { execute: 'guest-exec-status', arguments: { pid } };
}

/** The `return` member of an answer as virsh prints it; undefined when it is not one. */
export function answerOf(stdout: string): unknown {
  try {
    const a = JSON.parse(stdout) as unknown;
    return typeof a === 'object' && a !== null && 'return' in a ? (a as { return: unknown }).return : undefined;
  } catch {
    return undefined;
  }
}

/** The pid guest-exec answered, or undefined for anything else. */
export function pidOf(answer: unknown): number | undefined {
  const pid = (answer as { pid?: unknown } | undefined)?.pid;
  return Number.isInteger(pid) ? (pid as number) : undefined;
}

export type ExecStatus =
  | { exited: false }
  | { exited: true; code: number; stdout: Buffer; stderr: Buffer; truncated: boolean };

/**
 * A guest-exec-status answer: running, or exited with its code (128+signal
 * for a command killed by a signal, as a shell says) and its output
 * decoded. Undefined when the answer is not one.
 */
export function decodeStatus(answer: unknown): ExecStatus | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const a = answer as Record<string, unknown>;
  if (a['exited'] === false) return { exited: false };
  if (a['exited'] !== true) return undefined;
  const int = (v: unknown) => (Number.isInteger(v) ? (v as number) : undefined);
  const signal = int(a['signal']);
  const code = signal !== undefined ? 128 + signal : int(a['exitcode']);
  if (code === undefined) return undefined;
  const data = (v: unknown) => Buffer.from(typeof v === 'string' ? v : '', 'base64');
  return { exited: true, code, stdout: data(a['out-data']), stderr: data(a['err-data']), truncated: a['out-truncated'] === true || a['err-truncated'] === true };
}
