// The service log: every action event, with its resource id, appended to
// $CAPSULE_ROOT/var/lib/capsule/<svc>/log and echoed to stderr. Writes are
// queued and asynchronous (an action never waits on the disk per line);
// `flush()` waits for them. The file rotates by size (log.1 ... log.3), is
// never opened through a symlink, and values of [env] keys that look like
// secrets reach neither the file nor stderr.
import { systemClock, type Clock, type Logger } from '@capsule/core';
import { constants, mkdirSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

const SECRET_KEY = /pass|secret|token|key|credential/i;
export const LOG_ROTATE_BYTES = 4 * 1024 * 1024;
const LOG_KEEP = 3;

export interface ServiceLogOptions {
  clock?: Clock;
  rotateBytes?: number;
}

export class ServiceLog {
  private readonly file: string;
  private readonly secrets: string[];
  private readonly clock: Clock;
  private readonly rotateBytes: number;
  private pending: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private failed: Error | undefined;

  constructor(
    varDir: string,
    env: Record<string, string> = {},
    private readonly echo: (line: string) => void = (l) => process.stderr.write(l),
    o: ServiceLogOptions = {},
  ) {
    mkdirSync(varDir, { recursive: true });
    this.file = join(varDir, 'log');
    this.clock = o.clock ?? systemClock;
    this.rotateBytes = o.rotateBytes ?? LOG_ROTATE_BYTES;
    this.secrets = Object.entries(env)
      .filter(([k, v]) => SECRET_KEY.test(k) && v.length >= 3)
      .map(([, v]) => v);
  }

  private mask(text: string): string {
    return this.secrets.reduce((t, s) => t.split(s).join('***'), text);
  }

  write(level: 'info' | 'warn' | 'error', rid: string, message: string): void {
    const text = this.mask(message);
    this.pending.push(`${new Date(this.clock.now()).toISOString()} ${level.toUpperCase().padEnd(5)} ${rid}: ${text.replace(/\n/g, '\n    ')}\n`);
    if (this.pending.length === 1) this.writing = this.writing.then(() => this.drain());
    this.echo(`${rid}: ${level === 'info' ? '' : `${level}: `}${text}\n`);
  }

  private async drain(): Promise<void> {
    const lines = this.pending.splice(0);
    if (!lines.length) return;
    try {
      await this.rotate();
      // O_NOFOLLOW: a `log` symlink planted in the state directory is refused, not appended through.
      const fh = await open(this.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o640);
      try {
        await fh.write(lines.join(''));
      } finally {
        await fh.close();
      }
    } catch (e) {
      this.failed ??= e as Error;
    }
  }

  private async rotate(): Promise<void> {
    const size = (await stat(this.file).catch(() => undefined))?.size ?? 0;
    if (size < this.rotateBytes) return;
    await rm(`${this.file}.${LOG_KEEP}`, { force: true });
    for (let i = LOG_KEEP - 1; i >= 1; i--) await rename(`${this.file}.${i}`, `${this.file}.${i + 1}`).catch(() => undefined);
    await rename(this.file, `${this.file}.1`);
  }

  /** Waits until every line written so far is on disk; reports a write failure once. */
  async flush(): Promise<void> {
    await this.writing;
    const e = this.failed;
    this.failed = undefined;
    if (e) this.echo(`log: cannot write ${this.file}: ${e.message}\n`);
  }

  for(rid: string): Logger {
    return {
      info: (m) => this.write('info', rid, m),
      warn: (m) => this.write('warn', rid, m),
      error: (m) => this.write('error', rid, m),
    };
  }
}
