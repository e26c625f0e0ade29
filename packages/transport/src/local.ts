// Runs a command on this node: argv (never a shell string), optional stdin,
// environment, timeout, abort and an output cap. A missing command is exit
// 127, as in a shell. The call returns when the command exits, times out, is
// aborted or floods: never later because a child it left behind still holds
// its stdout (a daemonizing launcher, a `setsid` grandchild).
import { CapsuleError, type ExecOptions, type ExecResult } from '@capsule/core';
import { StringDecoder } from 'node:string_decoder';
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** After the command exits, output still buffered in the pipes is read until they stay quiet this long. */
const DRAIN_QUIET_MS = 50;

export function localExec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [cmd, ...args] = argv;
  if (!cmd) return Promise.reject(new Error('localExec: empty argv'));
  if (options.signal?.aborted) return Promise.reject(aborted(argv));
  const cap = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Own process group, so a timeout kills the whole command tree.
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let settled = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let drain: NodeJS.Timeout | undefined;

    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drain);
      options.signal?.removeEventListener('abort', onAbort);
      // Whoever still holds the pipes (a daemon the command started) no longer keeps this call open.
      child.stdout.destroy();
      child.stderr.destroy();
      child.stdin.destroy();
      child.unref();
      outcome();
    };
    const text = () => ({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    const fail = (e: CapsuleError) => {
      killGroup();
      finish(() => reject(e));
    };
    const done = () => finish(() => resolve({ code: exitCode(exit!), ...text() }));

    const timer = options.timeoutMs
      ? setTimeout(
          () =>
            fail(
              new CapsuleError('ExecTimeout', `${argv.join(' ')} did not finish within ${options.timeoutMs} ms and was killed`, {
                hint: 'check why the command hangs, or raise the timeout',
                details: { argv, ...text() },
              }),
            ),
          options.timeoutMs,
        )
      : undefined;
    const onAbort = () => fail(aborted(argv));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const collect = (into: Buffer[]) => (b: Buffer) => {
      size += b.length;
      if (size > cap) {
        fail(
          new CapsuleError('OutputTooLarge', `${argv.join(' ')} wrote more than ${cap} bytes and was killed`, {
            hint: 'the command floods its output: check it, or raise the output cap',
            details: { argv, maxOutputBytes: cap },
          }),
        );
        return;
      }
      into.push(b);
      if (exit) quietThenDone();
    };
    const quietThenDone = () => {
      clearTimeout(drain);
      drain = setTimeout(done, DRAIN_QUIET_MS);
    };
    child.stdout.on('data', collect(out));
    const collectErr = collect(err);
    // A character split across two chunks is decoded whole.
    const decoder = new StringDecoder('utf8');
    child.stderr.on('data', (b: Buffer) => {
      collectErr(b);
      if (options.onStderr) options.onStderr(decoder.write(b));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') finish(() => resolve({ code: 127, stdout: '', stderr: `${cmd}: command not found\n` }));
      else finish(() => reject(e));
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      quietThenDone();
    });
    // Both pipes closed: everything is read, no need to wait for quiet.
    child.on('close', (code, signal) => {
      exit ??= { code, signal };
      done();
    });
  });
}

function aborted(argv: readonly string[]): CapsuleError {
  return new CapsuleError('ExecAborted', `${argv.join(' ')} was cancelled and killed`, { hint: 'the action or check it belonged to timed out or was cancelled' });
}

function exitCode(e: { code: number | null; signal: NodeJS.Signals | null }): number {
  if (e.code !== null) return e.code;
  return e.signal ? 128 + (constants.signals[e.signal] ?? 0) : 1;
}
