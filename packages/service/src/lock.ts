// The per-service action lock: an O_EXCL file naming its holder (pid and
// process start time, so a recycled pid is not mistaken for the holder).
// A lock whose holder is gone is broken under a second, short-lived lock,
// so two waiters never both break it.
import { CapsuleError } from '@capsule/core';
import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface LockHolder {
  pid: number;
  start: string;
  action: string;
  since: string;
}

/** Field 22 of /proc/PID/stat: start time in clock ticks since boot. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function holderAlive(h: LockHolder): boolean {
  const start = processStartTime(h.pid);
  return start !== undefined && start === h.start;
}

async function tryCreate(path: string, content: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockHolder;
  } catch {
    // Missing, or caught between create and write: treated as held for now.
    return undefined;
  }
}

/** Removes the lock if its holder is dead; true when it did. */
async function breakIfStale(path: string, seen: string): Promise<boolean> {
  const breaker = `${path}.break`;
  if (!(await tryCreate(breaker, String(process.pid)))) {
    // A breaker that died mid-break leaves its file: old enough means abandoned.
    const age = Date.now() - (await stat(breaker).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (age > 10_000) await rm(breaker, { force: true });
    return false;
  }
  try {
    const now = await readFile(path, 'utf8').catch(() => undefined);
    if (now !== seen) return false;
    await rename(path, `${path}.stale.${process.pid}`);
    await rm(`${path}.stale.${process.pid}`, { force: true });
    return true;
  } finally {
    await rm(breaker, { force: true });
  }
}

export interface LockOptions {
  action: string;
  /** Seconds to wait for a running action to finish. */
  waitSeconds: number;
  svcname: string;
}

/** Takes the service lock, waiting up to waitSeconds; returns its release. */
export async function acquireLock(varDir: string, o: LockOptions): Promise<() => Promise<void>> {
  await mkdir(varDir, { recursive: true });
  const path = join(varDir, 'lock');
  const me: LockHolder = { pid: process.pid, start: processStartTime(process.pid) ?? '', action: o.action, since: new Date().toISOString() };
  const content = JSON.stringify(me);
  const deadline = Date.now() + o.waitSeconds * 1000;
  let delay = 10;
  for (;;) {
    if (await tryCreate(path, content)) {
      return async () => {
        if ((await readFile(path, 'utf8').catch(() => '')) === content) await rm(path, { force: true });
      };
    }
    const raw = await readFile(path, 'utf8').catch(() => undefined);
    const holder = raw ? await readHolder(path) : undefined;
    if (raw && holder && !holderAlive(holder) && (await breakIfStale(path, raw))) continue;
    if (Date.now() >= deadline) {
      throw new CapsuleError('LockTimeout', `${o.svcname}: ${o.action} waits for ${holder ? `pid ${holder.pid} running ${holder.action} since ${holder.since}` : 'another action'}`, {
        hint: `wait for it to finish, or retry with --waitlock SECONDS`,
        details: { holder },
      });
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 200);
  }
}
