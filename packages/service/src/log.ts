// The service log: every action event, with its resource id, appended to
// $CAPSULE_ROOT/var/lib/capsule/<svc>/log and echoed to stderr. Values of
// [env] keys that look like secrets never reach either.
import type { Logger } from '@capsule/core';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const SECRET_KEY = /pass|secret|token|key|credential/i;

export class ServiceLog {
  private readonly file: string;
  private readonly secrets: string[];

  constructor(
    varDir: string,
    env: Record<string, string> = {},
    private readonly echo: (line: string) => void = (l) => process.stderr.write(l),
  ) {
    mkdirSync(varDir, { recursive: true });
    this.file = join(varDir, 'log');
    this.secrets = Object.entries(env)
      .filter(([k, v]) => SECRET_KEY.test(k) && v.length >= 3)
      .map(([, v]) => v);
  }

  private mask(text: string): string {
    return this.secrets.reduce((t, s) => t.split(s).join('***'), text);
  }

  write(level: 'info' | 'warn' | 'error', rid: string, message: string): void {
    const text = this.mask(message);
    appendFileSync(this.file, `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${rid}: ${text.replace(/\n/g, '\n    ')}\n`);
    this.echo(`${rid}: ${level === 'info' ? '' : `${level}: `}${text}\n`);
  }

  for(rid: string): Logger {
    return {
      info: (m) => this.write('info', rid, m),
      warn: (m) => this.write('warn', rid, m),
      error: (m) => this.write('error', rid, m),
    };
  }
}
