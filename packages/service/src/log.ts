// The service log: every action event, with its resource id, appended to
// $CAPSULE_ROOT/var/lib/capsule/<svc>/log and echoed to stderr. Writes are
// queued and asynchronous (an action never waits on the disk per line);
// `flush()` waits for them. The file rotates by size (log.1 ... log.3), is
// never opened through a symlink, and values of [env] keys that look like
// secrets reach neither the file nor stderr.
import { systemClock, type Clock, type Logger } from '@capsule/core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_KEEP, LOG_ROTATE_BYTES, LogWriter } from './logfile.js';

export { LOG_ROTATE_BYTES };
const SECRET_KEY = /pass|secret|token|key|credential/i;

export interface ServiceLogOptions {
  clock?: Clock;
  rotateBytes?: number;
}

export class ServiceLog {
  private readonly file: string;
  private readonly secrets: string[];
  private readonly clock: Clock;
  private readonly writer: LogWriter;

  constructor(
    varDir: string,
    env: Record<string, string> = {},
    private readonly echo: (line: string) => void = (l) => process.stderr.write(l),
    o: ServiceLogOptions = {},
  ) {
    mkdirSync(varDir, { recursive: true });
    this.file = join(varDir, 'log');
    this.clock = o.clock ?? systemClock;
    this.writer = new LogWriter(this.file, { rotateBytes: o.rotateBytes ?? LOG_ROTATE_BYTES, keep: LOG_KEEP });
    this.secrets = Object.entries(env)
      .filter(([k, v]) => SECRET_KEY.test(k) && v.length >= 3)
      .map(([, v]) => v);
  }

  private mask(text: string): string {
    return this.secrets.reduce((t, s) => t.split(s).join('***'), text);
  }

  write(level: 'info' | 'warn' | 'error', rid: string, message: string): void {
    const text = this.mask(message);
    this.writer.append(`${new Date(this.clock.now()).toISOString()} ${level.toUpperCase().padEnd(5)} ${rid}: ${text.replace(/\n/g, '\n    ')}\n`);
    this.echo(`${rid}: ${level === 'info' ? '' : `${level}: `}${text}\n`);
  }

  /** Waits until every line written so far is on disk; reports a write failure once. */
  async flush(): Promise<void> {
    const e = await this.writer.flush();
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
