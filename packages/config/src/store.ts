// Every write of a service file goes through here: under the service's
// config lock (so concurrent writers never lose each other's edit), only
// when the result validates, atomically, with its generation recorded.
import { CapsuleError, systemClock, type Clock } from '@capsule/core';
import { mkdir, readFile } from 'node:fs/promises';
import type { EvalContext } from './evaluator.js';
import { issuesError, type ConfigIssue } from './issues.js';
import { withLock, type LockOptions } from './lock.js';
import type { ServicePaths } from './paths.js';
import { parseConfig } from './reader.js';
import type { KeywordRegistry } from './registry.js';
import { validateConfig } from './validate.js';
import { contentHash, currentVersion, recordVersion, type ConfigVersion } from './version.js';
import { child, prevails, relate, withAcks } from './lineage.js';
import { compareBallots, ZERO, type Ballot } from './ballot.js';
import { join } from 'node:path';
import { keepCopy } from './kept.js';
import { atomicWrite } from './atomic.js';
import { dirname } from 'node:path';

export const CONFIG_LOCK = 'config.lock';

export interface WriteOptions {
  registry: KeywordRegistry;
  ctx: EvalContext;
  /** Seconds to wait for another writer. */
  waitSeconds?: number;
  lock?: Partial<LockOptions>;
  /** This node's clock: the written file's mtime (informative only: versions decide, never mtimes). */
  clock?: Clock;
  /** A received copy keeps its sender's mtime: set under the lock, with the write, never after it. */
  mtimeMs?: number;
  /** The version an edit of `base` records (default: its child, lineage.ts). */
  lineage?: (base: ConfigVersion | undefined, hash: string) => ConfigVersion;
  /** A vote's accept (ballot.ts): the edit is written only if this node promised no higher ballot, and stands at this one. */
  accept?: Ballot;
}

const promiseFile = (paths: ServicePaths) => join(paths.varDir, 'config.promise');

/** The highest ballot this node promised (ZERO: none). Call under the config lock. */
async function readPromise(paths: ServicePaths): Promise<Ballot> {
  try {
    const b = (JSON.parse(await readFile(promiseFile(paths), 'utf8')) as { promised?: unknown }).promised;
    return typeof b === 'string' ? b : ZERO;
  } catch {
    return ZERO;
  }
}

const writePromise = (paths: ServicePaths, b: Ballot) => atomicWrite(promiseFile(paths), JSON.stringify({ promised: b }) + '\n');

/** Refused: this node promised a higher ballot. */
export class PromisedHigher extends CapsuleError {
  constructor(readonly promised: Ballot, b: Ballot) {
    super('ConfigNotAcknowledged', `ballot ${b} refused: this node promised ${promised}`, { hint: 'another edit is under way: retry', details: { promised } });
  }
}

/**
 * A vote's first phase (ballot.ts `prepare`): this node promises `b` when
 * it is above its promise, and answers its copy with the ballot it stands at.
 */
export async function prepareCopy(paths: ServicePaths, svcname: string, b: Ballot): Promise<{ ok: boolean; promised: Ballot; version: ConfigVersion | undefined }> {
  return withConfigLock(paths, svcname, `prepare ${b}`, async () => {
    const [promised, version] = await Promise.all([readPromise(paths), currentVersion(paths.config, paths.varDir)]);
    if (compareBallots(b, promised) <= 0) return { ok: false, promised, version };
    await mkdir(paths.varDir, { recursive: true });
    await writePromise(paths, b);
    return { ok: true, promised: b, version };
  });
}

/** Runs fn under the service's config lock. */
export function withConfigLock<T>(paths: ServicePaths, svcname: string, action: string, fn: () => Promise<T>, o: Pick<WriteOptions, 'waitSeconds' | 'lock'> = {}): Promise<T> {
  return withLock(paths.varDir, { action, svcname, waitSeconds: o.waitSeconds ?? 30, ...o.lock, name: CONFIG_LOCK }, fn);
}

async function checkAndWrite(paths: ServicePaths, content: string | Uint8Array, o: WriteOptions, version: (hash: string) => ConfigVersion, source = paths.config): Promise<Written> {
  const doc = parseConfig(content, source);
  if (doc.lines.every((l) => l.trim() === '')) {
    throw new CapsuleError('ConfigEmpty', `refusing to install an empty configuration (${source}) as ${paths.config}`, { hint: `check ${source}` });
  }
  const issues = await validateConfig(doc, o.registry, o.ctx);
  const err = issuesError(issues);
  if (err) throw err;
  await mkdir(dirname(paths.config), { recursive: true });
  // A service file that is a symlink (to a shared repository) stays one.
  await atomicWrite(paths.config, content, { followSymlink: true, mtime: new Date(o.mtimeMs ?? (o.clock ?? systemClock).now()) });
  const v = version(contentHash(content));
  await recordVersion(paths.varDir, v);
  return { version: v, warnings: issues.filter((i) => i.severity === 'warning') };
}

/** What a write did: the new version, and the warnings (unknown keywords...) that did not stop it. */
export interface Written {
  version: ConfigVersion;
  warnings: ConfigIssue[];
}

/**
 * A local edit: `edit(current text or undefined)` returns the new text (or
 * undefined for no change). The result is the next generation.
 */
export async function updateConfig(
  paths: ServicePaths,
  o: WriteOptions & { source?: string },
  action: string,
  edit: (current: string | undefined) => string | Uint8Array | undefined | Promise<string | Uint8Array | undefined>,
): Promise<Written | undefined> {
  return withConfigLock(paths, o.ctx.svcname, action, async () => {
    const current = await readFile(paths.config, 'utf8').catch(() => undefined);
    const next = await edit(current);
    if (next === undefined || next === current) return undefined;
    const base = await currentVersion(paths.config, paths.varDir);
    if (o.accept === undefined) return checkAndWrite(paths, next, o, (hash) => (o.lineage ?? child)(base, hash), o.source);
    // This node's own accept in a vote: refused if it promised a higher ballot since its prepare.
    const promised = await readPromise(paths);
    if (compareBallots(o.accept, promised) < 0) throw new PromisedHigher(promised, o.accept);
    const written = await checkAndWrite(paths, next, o, (hash) => ({ ...(o.lineage ?? child)(base, hash), ballot: o.accept! }), o.source);
    await writePromise(paths, o.accept);
    return written;
  }, o);
}

/**
 * Installs a copy received from another agent (guest or peer) with the
 * version it carries, if that version is still newer than ours once the lock
 * is held: a copy that lost a race against a local edit is not installed.
 */
export async function installReceived(paths: ServicePaths, text: string | Uint8Array, version: ConfigVersion, o: WriteOptions & { from: string }): Promise<boolean> {
  return withConfigLock(paths, o.ctx.svcname, `receive from ${o.from}`, async () => {
    const base = await currentVersion(paths.config, paths.varDir);
    if (base && base.generation >= version.generation) return false;
    if (contentHash(text) !== version.hash) {
      throw new CapsuleError('ConfigVersionInvalid', `the config received from ${o.from} does not match the version it announced`, { hint: `retry; if it persists, check the capsule agent of ${o.from}` });
    }
    // A guest's copy descends from what this node gave it: it keeps this node's line.
    await checkAndWrite(paths, text, o, (hash) => child(base, hash, version.generation), `${o.from}:${paths.config}`);
    return true;
  }, o);
}

/** What a peer's copy did here: see installPeerCopy. */
export type PeerInstall = 'installed' | 'in sync' | 'superseded' | 'newer here' | 'prevails here' | 'promised higher';

/**
 * Installs a copy pushed or fetched from a cluster peer, by lineage
 * (lineage.ts), under the config lock: installed when it descends from this
 * node's copy; when the two diverged and it prevails, installed too, this
 * node's copy kept (kept.ts: `superseded`); otherwise this node's stays
 * (`newer here`, `prevails here`). Acknowledgement marks travel both ways.
 */
export async function installPeerCopy(
  paths: ServicePaths,
  text: string | Uint8Array,
  version: ConfigVersion,
  o: WriteOptions & { from: string; /** Under the lock, before anything: an error to throw instead (a deleted service's tombstone). */ refuse?: (v: ConfigVersion) => Promise<Error | undefined> },
): Promise<PeerInstall> {
  return withConfigLock(paths, o.ctx.svcname, `receive from ${o.from}`, async () => {
    const refused = await o.refuse?.(version);
    if (refused) throw refused;
    if (o.accept !== undefined) return acceptHere(paths, text, { ...version, ballot: o.accept }, o);
    if (contentHash(text) !== version.hash) {
      throw new CapsuleError('ConfigVersionInvalid', `the config received from ${o.from} does not match the version it announced`, { hint: `retry; if it persists, check the capsule agent of ${o.from}` });
    }
    const base = await currentVersion(paths.config, paths.varDir);
    const source = `${o.from}:${paths.config}`;
    if (!base) {
      await checkAndWrite(paths, text, o, () => withAcks(version), source);
      return 'installed';
    }
    const relation = relate(version, base);
    // A fast-forward stands at the higher of the two ballots: what its line contains was chosen up to there.
    if (relation === 'descends' && compareBallots(base.ballot ?? ZERO, version.ballot ?? ZERO) > 0) version = { ...version, ballot: base.ballot! };
    if (relation === 'same' || relation === 'precedes' || (relation === 'diverged' && !prevails(version, base))) {
      const marked = withAcks(base, version);
      if ((marked.acked ?? []).length !== (base.acked ?? []).length) await recordVersion(paths.varDir, marked);
      return relation === 'same' ? 'in sync' : relation === 'precedes' ? 'newer here' : 'prevails here';
    }
    // The copy replaced is kept first: a failure to keep it leaves it in place, never gone without a trace.
    if (relation === 'diverged') await keepCopy(paths, await readFile(paths.config), base, { node: o.from, version, at: (o.clock ?? systemClock).now() });
    await checkAndWrite(paths, text, o, () => withAcks(version, base), source);
    return relation === 'diverged' ? 'superseded' : 'installed';
  }, o);
}

/**
 * A vote's second phase on this node (ballot.ts `accept`), under the config
 * lock: refused when it promised a higher ballot; otherwise the copy is
 * installed whatever it descends from (a diverged copy here is kept), at
 * the ballot, which becomes the promise.
 */
async function acceptHere(paths: ServicePaths, text: string | Uint8Array, version: ConfigVersion & { ballot: Ballot }, o: WriteOptions & { from: string }): Promise<PeerInstall> {
  const promised = await readPromise(paths);
  if (compareBallots(version.ballot, promised) < 0) return 'promised higher';
  const base = await currentVersion(paths.config, paths.varDir);
  const diverged = base !== undefined && relate(version, base) === 'diverged';
  if (diverged) await keepCopy(paths, await readFile(paths.config), base, { node: o.from, version, at: (o.clock ?? systemClock).now() });
  if (base?.hash === version.hash) await recordVersion(paths.varDir, version);
  else await checkAndWrite(paths, text, o, () => version, `${o.from}:${paths.config}`);
  await writePromise(paths, version.ballot);
  return diverged ? 'superseded' : 'installed';
}

/**
 * This node's own accept of the copy it holds, at `b` (a service created
 * here, put to its first vote): refused when it promised a higher ballot.
 */
export async function standAt(paths: ServicePaths, svcname: string, b: Ballot): Promise<ConfigVersion> {
  return withConfigLock(paths, svcname, `accept ${b}`, async () => {
    const promised = await readPromise(paths);
    if (compareBallots(b, promised) < 0) throw new PromisedHigher(promised, b);
    const v = await currentVersion(paths.config, paths.varDir);
    if (!v) throw new CapsuleError('ConfigNotFound', `${paths.config} does not exist`, { hint: 'create it first' });
    const at = { ...v, ballot: b };
    await recordVersion(paths.varDir, at);
    await writePromise(paths, b);
    return at;
  });
}
