// Runs a command on this node: argv (never a shell string), optional stdin,
// environment, timeout and abort. A missing command is exit 127, as in a shell.
import { CapsuleError, type ExecOptions, type ExecResult } from '@capsule/core';
import { spawn } from 'node:child_process';

export function localExec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [cmd, ...args] = argv;
  if (!cmd) return Promise.reject(new Error('localExec: empty argv'));
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
    let timedOut = false;
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = options.timeoutMs ? setTimeout(() => ((timedOut = true), kill()), options.timeoutMs) : undefined;
    const onAbort = () => kill();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (e.code === 'ENOENT') resolve({ code: 127, stdout: '', stderr: `${cmd}: command not found\n` });
      else reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (timedOut) {
        reject(
          new CapsuleError('ExecTimeout', `${argv.join(' ')} did not finish within ${options.timeoutMs} ms and was killed`, {
            hint: 'check why the command hangs, or raise the timeout',
            details: { argv, stdout, stderr },
          }),
        );
        return;
      }
      resolve({ code: code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 1), stdout, stderr });
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal];
}
