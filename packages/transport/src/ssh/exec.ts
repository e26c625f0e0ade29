// Exec and copy over a pooled ssh2 connection, behind the same interface
// as local exec: argv quoted for the remote shell, stdin, exit code (128+N
// for a signal), timeout and abort that close the channel and return at
// once, an output cap. A connection dropped mid-command is a named error;
// the next command reconnects.
import { StringDecoder } from 'node:string_decoder';
import { CapsuleError, type Exec, type ExecOptions, type ExecResult } from '@capsule/core';
import { constants } from 'node:os';
import { DEFAULT_MAX_OUTPUT_BYTES } from '../local.js';
import type { SshEndpoint, SshPool } from './pool.js';
import { shellQuote } from './quote.js';

function envPrefix(env: Record<string, string> | undefined): string[] {
  // `env K=V cmd`: sshd's AcceptEnv is usually closed, so variables travel on the command line.
  return env && Object.keys(env).length ? ['env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`)] : [];
}

export function sshExec(pool: SshPool, e: SshEndpoint): Exec {
  return async (argv: readonly string[], o: ExecOptions = {}): Promise<ExecResult> => {
    if (o.signal?.aborted) throw aborted(argv);
    const words = [...envPrefix(o.env), ...argv];
    // sshd starts the command's shell as a session leader, so its pid names
    // the process group; the shell reports it first on stderr and execs the
    // command in place. A timeout then kills the whole group on the host:
    // closing the channel alone leaves a hung command running there.
    const line = `echo ${PGID_MARK}$$ >&2; ${o.cwd ? `cd ${shellQuote([o.cwd])} && ` : ''}exec ${shellQuote(words)}`;
    const conn = await pool.connection(e);
    let opened;
    try {
      opened = await conn.exec(line);
    } catch (err) {
      throw new CapsuleError('SshChannelRefused', `${e.host}: cannot open a session for \`${argv.join(' ')}\`: ${(err as Error).message}`, { hint: `check MaxSessions and the sshd log on ${e.host}` });
    }
    const { channel, release } = opened;
    const cap = o.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    return new Promise<ExecResult>((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
        release();
        f();
      };
      let pgid: number | undefined;
      // stderr's first line, until it is known whether it is the pgid report.
      let head: string | undefined = '';
      const kill = (e2: CapsuleError) => {
        channel.signal('KILL');
        channel.close();
        if (pgid) killGroup(pool, e, pgid);
        finish(() => reject(e2));
      };
      const timer = o.timeoutMs ? setTimeout(() => kill(new CapsuleError('ExecTimeout', `${e.host}: ${argv.join(' ')} did not finish within ${o.timeoutMs} ms and was killed`, { hint: 'check why the command hangs, or raise the timeout' })), o.timeoutMs) : undefined;
      const onAbort = () => kill(aborted(argv));
      o.signal?.addEventListener('abort', onAbort, { once: true });
      const collect = (into: Buffer[]) => (b: Buffer) => {
        size += b.length;
        if (size > cap) return kill(new CapsuleError('OutputTooLarge', `${e.host}: ${argv.join(' ')} wrote more than ${cap} bytes and was killed`, { hint: 'the command floods its output: check it, or raise the output cap' }));
        into.push(b);
      };
      channel.on('data', collect(out));
      const collectStderr = collect(err);
      // A character split across two chunks is decoded whole.
      const decoder = new StringDecoder('utf8');
      const collectErr = (b: Buffer) => {
        collectStderr(b);
        if (o.onStderr) o.onStderr(decoder.write(b));
      };
      channel.stderr.on('data', (b: Buffer) => {
        if (head === undefined) return collectErr(b);
        head += b.toString('latin1');
        const nl = head.indexOf('\n');
        if (nl < 0 && head.length < 64) return;
        const first = nl < 0 ? head : head.slice(0, nl);
        const rest = Buffer.from(nl < 0 ? '' : head.slice(nl + 1), 'latin1');
        if (first.startsWith(PGID_MARK)) pgid = Number(first.slice(PGID_MARK.length)) || undefined;
        else collectErr(Buffer.from(`${first}${nl < 0 ? '' : '\n'}`, 'latin1'));
        head = undefined;
        if (rest.length) collectErr(rest);
      });
      // 'close' carries the exit status like a child process's 'exit' (an
      // 'exit' listener can miss it when the whole reply came in one packet).
      channel.on('close', (c?: number | null, signal?: string) => {
        const code = c ?? (signal ? 128 + (constants.signals[signal as NodeJS.Signals] ?? 0) : undefined);
        if (code === undefined) {
          // No exit status: the connection went away under the command.
          finish(() => reject(new CapsuleError('SshDisconnected', `${e.host}: the connection dropped while \`${argv.join(' ')}\` ran`, { hint: 'its outcome is unknown: check on the host before retrying' })));
          return;
        }
        if (head && !head.startsWith(PGID_MARK)) err.push(Buffer.from(head, 'latin1'));
        finish(() => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
      });
      channel.end(o.input ?? '');
    });
  };
}

const PGID_MARK = 'capsule-pgid=';

/** Kills a timed-out command's process group on the host, on a channel of its own, without waiting for it. */
function killGroup(pool: SshPool, e: SshEndpoint, pgid: number): void {
  const exec = sshExec(pool, e);
  exec(['kill', '-KILL', '--', `-${pgid}`], { timeoutMs: 5000 }).catch(() => undefined);
}

function aborted(argv: readonly string[]): CapsuleError {
  return new CapsuleError('ExecAborted', `${argv.join(' ')} was cancelled`, { hint: 'the action or check it belonged to timed out or was cancelled' });
}

/** Copies a local file to the host over sftp, written to a temp name and renamed so a reader never sees half of it. */
export async function sshCopyTo(pool: SshPool, e: SshEndpoint, local: string, remote: string): Promise<void> {
  const conn = await pool.connection(e);
  const { sftp, release } = await conn.sftp();
  const tmp = `${remote}.capsule-tmp-${process.pid}`;
  try {
    await new Promise<void>((resolve, reject) => sftp.fastPut(local, tmp, (err) => (err ? reject(err) : resolve())));
    await new Promise<void>((resolve, reject) => sftp.ext_openssh_rename(tmp, remote, (err) => (err ? reject(err) : resolve())));
  } catch (err) {
    throw new CapsuleError('SshCopyFailed', `${e.host}: copy of ${local} to ${remote} failed: ${(err as Error).message}`, { hint: `check ${remote}'s directory exists and is writable by ${e.user}` });
  } finally {
    sftp.end();
    release();
  }
}

export async function sshCopyFrom(pool: SshPool, e: SshEndpoint, remote: string, local: string): Promise<void> {
  const conn = await pool.connection(e);
  const { sftp, release } = await conn.sftp();
  try {
    await new Promise<void>((resolve, reject) => sftp.fastGet(remote, local, (err) => (err ? reject(err) : resolve())));
  } catch (err) {
    throw new CapsuleError('SshCopyFailed', `${e.host}: copy of ${remote} to ${local} failed: ${(err as Error).message}`, { hint: `check that ${remote} exists and is readable by ${e.user}` });
  } finally {
    sftp.end();
    release();
  }
}
