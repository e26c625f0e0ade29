// Per-service locks (the action lock, the config lock): an O_EXCL file naming
// its holder by pid and process start time, so a recycled pid is not taken
// for the holder. A lock is broken only when its holder is proven dead; when
// liveness cannot be read (no /proc, no ps) it is kept. A lock file that is
// not a lock (a symlink, or content that never became a holder record) is
// broken with a log line. Breaking happens under a second short-lived file,
// so two waiters never both break the same lock.
import { CapsuleError, systemClock, type Clock } from '@capsule/core';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { lstat, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface LockHolder {
  pid: number;
  /** Process start time as the platform's probe reads it; '' when it could not be read. */
  start: string;
  action: string;
  since: string;
}

/**
 * A process's start time (string), `null` when it provably does not exist,
 * `undefined` when this platform cannot tell.
 */
export type ProcessProbe = (pid: number) => Promise<string | null | undefined>;

/** Field 22 of /proc/PID/stat: start time in clock ticks since boot; a zombie (field 3 `Z`) is dead. */
function procStartTime(pid: number): string | null | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Killed but not yet reaped (its parent is gone and no init reaps here): it holds nothing any more.
    if (fields[0] === 'Z' || fields[0] === 'X') return null;
    return fields[19];
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' && procMounted() ? null : undefined;
  }
}

function procMounted(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

/** Elsewhere (sunos, freebsd, darwin): `ps -o lstart=`, and kill(pid, 0) to tell "gone" from "cannot tell". */
export function psStartTime(pid: number, ps = 'ps'): Promise<string | null | undefined> {
  return new Promise((resolve) => {
    execFile(ps, ['-o', 'lstart=', '-p', String(pid)], { timeout: 5000 }, (err, stdout) => {
      const text = String(stdout).trim();
      if (!err && text) return resolve(text);
      try {
        process.kill(pid, 0);
        resolve(undefined);
      } catch (e) {
        resolve((e as NodeJS.ErrnoException).code === 'ESRCH' ? null : undefined);
      }
    });
  });
}

export const platformProbe: ProcessProbe = async (pid) => (process.platform === 'linux' ? procStartTime(pid) : psStartTime(pid));

export type Liveness = 'alive' | 'dead' | 'unknown';

export async function holderLiveness(h: LockHolder, probe: ProcessProbe = platformProbe): Promise<Liveness> {
  const start = await probe(h.pid);
  if (start === null) return 'dead';
  if (start === undefined || h.start === '') return 'unknown';
  return start === h.start ? 'alive' : 'dead';
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

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const h = JSON.parse(raw) as Partial<LockHolder> | null;
    if (h && typeof h === 'object' && Number.isSafeInteger(h.pid) && (h.pid as number) > 0 && typeof h.start === 'string') {
      return { pid: h.pid as number, start: h.start, action: String(h.action ?? '?'), since: String(h.since ?? '?') };
    }
  } catch {
    // not JSON: handled by the caller
  }
  return undefined;
}

/**
 * The holder a lock file names, and whether it lives; undefined when there
 * is no file, no holder record in it, or its holder is proven dead (a stale
 * lock holds nothing). For who must know who holds a lock without taking it.
 */
export async function lockHolder(path: string, probe: ProcessProbe = platformProbe): Promise<{ holder: LockHolder; liveness: Exclude<Liveness, 'dead'> } | undefined> {
  const holder = parseHolder((await readFile(path, 'utf8').catch(() => undefined)) ?? '');
  if (!holder) return undefined;
  const liveness = await holderLiveness(holder, probe);
  return liveness === 'dead' ? undefined : { holder, liveness };
}

export interface LockOptions {
  action: string;
  /** Seconds to wait for the holder to finish. */
  waitSeconds: number;
  svcname: string;
  /** Lock file name in the service's state directory: `lock` (actions) or `config.lock` (config writers). */
  name?: string;
  clock?: Clock;
  probe?: ProcessProbe;
  /** Told when a stale lock is broken (for the service log). */
  onBreak?: (why: string) => void;
}

/** A creator writes its record right after creating the file: older and still unreadable means it died in between. */
const UNREADABLE_GRACE_MS = 2000;
/** A breaker that died mid-break leaves its file: older than this means abandoned. */
const BREAKER_GRACE_MS = 10_000;

interface Seen {
  raw: string | undefined;
  holder: LockHolder | undefined;
  /** Why the file is stale, when it is. */
  stale: string | undefined;
}

async function inspect(path: string, o: Required<Pick<LockOptions, 'clock' | 'probe'>>): Promise<Seen> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return { raw: undefined, holder: undefined, stale: undefined };
  if (st.isSymbolicLink()) return { raw: 'symlink', holder: undefined, stale: `${path} is a symbolic link, not a lock` };
  const raw = await readFile(path, 'utf8').catch(() => undefined);
  if (raw === undefined) return { raw, holder: undefined, stale: undefined };
  const holder = parseHolder(raw);
  if (!holder) {
    const old = o.clock.now() - st.mtimeMs > UNREADABLE_GRACE_MS;
    return { raw, holder, stale: old ? `${path} holds no holder record (${JSON.stringify(raw.slice(0, 40))})` : undefined };
  }
  const liveness = await holderLiveness(holder, o.probe);
  return { raw, holder, stale: liveness === 'dead' ? `its holder, pid ${holder.pid} (${holder.action}), is dead` : undefined };
}

/** Removes the lock if it is still what was seen; true when it did. */
async function breakStale(path: string, seen: Seen, clock: Clock): Promise<boolean> {
  const breaker = `${path}.break`;
  if (!(await tryCreate(breaker, String(process.pid)))) {
    const st = await lstat(breaker).catch(() => undefined);
    if (st && clock.now() - st.mtimeMs > BREAKER_GRACE_MS) await rm(breaker, { force: true });
    return false;
  }
  try {
    const st = await lstat(path).catch(() => undefined);
    const now = st?.isSymbolicLink() ? 'symlink' : await readFile(path, 'utf8').catch(() => undefined);
    if (now !== seen.raw) return false;
    await rename(path, `${path}.stale.${process.pid}`);
    await rm(`${path}.stale.${process.pid}`, { force: true });
    return true;
  } finally {
    await rm(breaker, { force: true });
  }
}

/** The lock file of service actions (start, stop...), beside CONFIG_LOCK of config writers. */
export const ACTION_LOCK = 'lock';

/** Takes a service lock, waiting up to waitSeconds; returns its release. */
export async function acquireLock(varDir: string, o: LockOptions): Promise<() => Promise<void>> {
  const clock = o.clock ?? systemClock;
  const probe = o.probe ?? platformProbe;
  await mkdir(varDir, { recursive: true });
  const path = join(varDir, o.name ?? ACTION_LOCK);
  const me: LockHolder = { pid: process.pid, start: (await probe(process.pid)) ?? '', action: o.action, since: new Date(clock.now()).toISOString() };
  const content = JSON.stringify(me);
  const deadline = clock.now() + o.waitSeconds * 1000;
  let delay = 10;
  for (;;) {
    if (await tryCreate(path, content)) {
      return async () => {
        if ((await readFile(path, 'utf8').catch(() => '')) === content) await rm(path, { force: true });
      };
    }
    const seen = await inspect(path, { clock, probe });
    if (seen.stale && (await breakStale(path, seen, clock))) {
      o.onBreak?.(`broke the stale lock ${path}: ${seen.stale}`);
      continue;
    }
    if (clock.now() >= deadline) {
      const h = seen.holder;
      throw new CapsuleError('LockTimeout', `${o.svcname}: ${o.action} waits for ${h ? `pid ${h.pid} running ${h.action} since ${h.since}` : 'another action'} (lock ${path})`, {
        hint: h ? 'wait for it to finish, or retry with --waitlock SECONDS' : `if no capsule command runs for ${o.svcname}, remove ${path}`,
        details: { holder: h, file: path },
      });
    }
    await clock.sleep(delay);
    delay = Math.min(delay * 2, 200);
  }
}

/** Runs `fn` under the lock; the lock is released whatever happens. */
export async function withLock<T>(varDir: string, o: LockOptions, fn: () => Promise<T>): Promise<T> {
  const release = await acquireLock(varDir, o);
  try {
    return await fn();
  } finally {
    await release();
  }
}
