// Appending to a log file that rotates by size (FILE.1 ... FILE.KEEP), never
// through a symlink planted in its place: the service log, the node's audit
// log and the agent's log all go through here.
import { constants } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export const LOG_ROTATE_BYTES = 4 * 1024 * 1024;
export const LOG_KEEP = 3;

export interface RotateOptions {
  rotateBytes?: number;
  keep?: number;
  mode?: number;
}

async function rotate(file: string, rotateBytes: number, keep: number): Promise<void> {
  const size = (await stat(file).catch(() => undefined))?.size ?? 0;
  if (size < rotateBytes) return;
  await rm(`${file}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--) await rename(`${file}.${i}`, `${file}.${i + 1}`).catch(() => undefined);
  await rename(file, `${file}.1`);
}

/** Appends `text`, rotating first when the file reached its size. Throws StateFileIsLink-like ELOOP as is. */
export async function appendRotating(file: string, text: string, o: RotateOptions = {}): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await rotate(file, o.rotateBytes ?? LOG_ROTATE_BYTES, o.keep ?? LOG_KEEP);
  const fh = await open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, o.mode ?? 0o640);
  try {
    await fh.write(text);
  } finally {
    await fh.close();
  }
}

/** Lines appended in order without waiting on the disk per line; `flush()` waits for them. */
export class LogWriter {
  private pending: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  failed: Error | undefined;

  constructor(
    readonly file: string,
    private readonly o: RotateOptions = {},
  ) {}

  append(line: string): void {
    this.pending.push(line);
    if (this.pending.length === 1) this.writing = this.writing.then(() => this.drain());
  }

  private async drain(): Promise<void> {
    const lines = this.pending.splice(0);
    if (!lines.length) return;
    await appendRotating(this.file, lines.join(''), this.o).catch((e: Error) => void (this.failed ??= e));
  }

  async flush(): Promise<Error | undefined> {
    await this.writing;
    const e = this.failed;
    this.failed = undefined;
    return e;
  }
}
