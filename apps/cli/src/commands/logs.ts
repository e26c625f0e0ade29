// `svcmgr logs` and `nodemgr logs`: a log file and its rotated copies, oldest
// first, filtered by time (`--since 10m`, `--since 2026-12-07T03:00`) and
// level (`--level warn`: warnings and errors), and with `--follow` the lines
// appended after, as `tail -f` shows them, until Ctrl-C.
import { CapsuleError, ErrorCode } from '@capsule/core/errors';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandContext } from '../spec.js';

const LEVELS = ['info', 'warn', 'error'] as const;
const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: a duration back from now (`90s`, `10m`, `2h`, `1d`) or a date; undefined: from the start. */
export function parseSince(v: unknown, now = Date.now()): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v).trim();
  const d = /^(\d+(?:\.\d+)?)([smhd])$/.exec(s);
  if (d) return now - Number(d[1]) * UNITS[d[2]!]!;
  const t = Date.parse(s);
  if (Number.isFinite(t)) return t;
  throw new CapsuleError(ErrorCode.UsageError, `--since ${s}: neither a duration nor a date`, { hint: 'give 90s, 10m, 2h, 1d, or a date such as 2026-12-07T03:00' });
}

function minLevel(v: unknown): number {
  if (v === undefined) return 0;
  const i = LEVELS.indexOf(String(v).toLowerCase() as (typeof LEVELS)[number]);
  if (i < 0) throw new CapsuleError(ErrorCode.UsageError, `--level ${String(v)}: not a level`, { hint: `one of ${LEVELS.join(', ')}` });
  return i;
}

/** Pure: the lines kept. A continuation line (indented) goes with the line it continues. */
export function filterLines(text: string, since: number | undefined, level: number): string {
  const out: string[] = [];
  let keep = true;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const head = /^(\S+)\s+(INFO|WARN|ERROR)?/.exec(line);
    const at = head ? Date.parse(head[1]!) : NaN;
    if (Number.isFinite(at)) {
      const lvl = head![2] ? LEVELS.indexOf(head![2].toLowerCase() as (typeof LEVELS)[number]) : 0;
      keep = (since === undefined || at >= since) && lvl >= level;
    }
    if (keep) out.push(line);
  }
  return out.length ? out.join('\n') + '\n' : '';
}

const readOr = (file: string) =>
  readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    // No log yet is an empty one; a log that cannot be read is an error, not an empty one.
    if (e.code === 'ENOENT') return '';
    throw e;
  });

export async function printLog(ctx: CommandContext, file: string): Promise<number> {
  const since = parseSince(ctx.options['since']);
  const level = minLevel(ctx.options['level']);
  // The rotated copies hold what is older: read when --since reaches back (3, 2, 1, then the file).
  const files = since !== undefined ? [`${file}.3`, `${file}.2`, `${file}.1`, file] : [file];
  for (const f of files) ctx.out(filterLines(await readOr(f), since, level));
  if (ctx.options['follow'] !== true) return 0;
  return follow(ctx, file, level);
}

/** `nodemgr logs`: the node's audit log. */
export const auditLog = (ctx: CommandContext) => printLog(ctx, join(ctx.root, 'var/log/capsule/audit.log'));

async function follow(ctx: CommandContext, file: string, level: number): Promise<number> {
  let offset = (await stat(file).catch(() => undefined))?.size ?? 0;
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (;;) {
      const size = (await stat(file).catch(() => undefined))?.size ?? 0;
      // Rotated (or truncated) meanwhile: the new file from its start.
      if (size < offset) offset = 0;
      if (size > offset) {
        const fh = await open(file, 'r');
        try {
          const buf = Buffer.alloc(size - offset);
          await fh.read(buf, 0, buf.length, offset);
          const text = buf.toString('utf8');
          // Only whole lines: a line being written is printed once it ends.
          const end = text.lastIndexOf('\n') + 1;
          ctx.out(filterLines(text.slice(0, end), undefined, level));
          offset += Buffer.byteLength(text.slice(0, end));
        } finally {
          await fh.close();
        }
      }
      const tick = new Promise<'tick'>((r) => setTimeout(() => r('tick'), 250));
      if ((await Promise.race([tick, stopped.then(() => 'stop' as const)])) === 'stop') return 0;
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
