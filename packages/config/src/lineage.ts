// Which of two copies of a service file carries the other's edits: each
// version records the keys (`generation:hash`) of the versions it descends
// from, and the keys on its line known acknowledged by a majority of the
// service's nodes. A copy replaces another only when it descends from it, or
// when the two diverged and it prevails by the rule below; the rule and why
// it never drops an acknowledged edit are in docs/architecture.md
// ("No acknowledged edit is lost").
import type { ConfigVersion } from './version.js';
import { compareBallots, ZERO } from './ballot.js';

/** How many ancestors a record keeps: a copy further behind than that reads as diverged, never as descending. */
export const LINEAGE_DEPTH = 128;

export const versionKey = (v: Pick<ConfigVersion, 'generation' | 'hash'>) => `${v.generation}:${v.hash}`;

const line = (v: ConfigVersion) => new Set([versionKey(v), ...(v.ancestors ?? [])]);

/** Keys of `keys` that lie on `v`'s line, in order, without repeats, at most LINEAGE_DEPTH. */
function onLine(v: ConfigVersion, keys: readonly string[]): string[] {
  const l = line(v);
  return [...new Set(keys)].filter((k) => l.has(k)).slice(0, LINEAGE_DEPTH);
}

/** The version an edit of `parent` (none: the first) makes, with content hash `hash`. */
export function child(parent: ConfigVersion | undefined, hash: string, generation = (parent?.generation ?? 0) + 1): ConfigVersion {
  if (!parent) return { generation, hash, ancestors: [], acked: [] };
  const ancestors = [versionKey(parent), ...(parent.ancestors ?? [])].slice(0, LINEAGE_DEPTH);
  // An edit outside a vote (by hand, --local) stands at its parent's ballot: it contains what that ballot chose.
  return { generation, hash, ancestors, acked: (parent.acked ?? []).filter((k) => ancestors.includes(k)), ...(parent.ballot ? { ballot: parent.ballot } : {}) };
}

/** `a` as seen from `b`: the same content, a descendant of `b`, an ancestor of `b`, or diverged. */
export type Relation = 'same' | 'descends' | 'precedes' | 'diverged';

export function relate(a: ConfigVersion, b: ConfigVersion): Relation {
  if (a.hash === b.hash) return 'same';
  if (line(a).has(versionKey(b))) return 'descends';
  if (line(b).has(versionKey(a))) return 'precedes';
  // A record written before lineage existed knows generations only.
  if (!a.ancestors || !b.ancestors) return a.generation > b.generation ? 'descends' : a.generation < b.generation ? 'precedes' : 'diverged';
  return 'diverged';
}

/**
 * Between two diverged versions, whether `a` is the one every node keeps:
 * the higher ballot it was accepted at (ballot.ts: a copy accepted above a
 * chosen one was built on it), else the higher generation, else the higher
 * hash. A total order, so every node picks the same copy; the other is kept
 * on the node that held it.
 */
export function prevails(a: ConfigVersion, b: ConfigVersion): boolean {
  const d = compareBallots(a.ballot ?? ZERO, b.ballot ?? ZERO);
  if (d !== 0) return d > 0;
  if (a.generation !== b.generation) return a.generation > b.generation;
  return a.hash > b.hash;
}

/** Whether a node holding `b` should take `a` instead (it descends from `b`, or diverged and prevails). */
export const supersedes = (a: ConfigVersion, b: ConfigVersion) => {
  const r = relate(a, b);
  return r === 'descends' || (r === 'diverged' && prevails(a, b));
};

/** `v` with the acknowledged keys of `others` that lie on its line added. */
export function withAcks(v: ConfigVersion, ...others: readonly (ConfigVersion | undefined)[]): ConfigVersion {
  const keys = [...(v.acked ?? []), ...others.flatMap((o) => (o ? [...(o.acked ?? [])] : []))];
  return { ...v, ancestors: v.ancestors ?? [], acked: onLine(v, keys) };
}

/** `v` with `key` marked acknowledged, when it lies on its line. */
export const markAcked = (v: ConfigVersion, key: string): ConfigVersion => ({ ...v, ancestors: v.ancestors ?? [], acked: onLine(v, [key, ...(v.acked ?? [])]) });

/** A version of content `hash` that descends from every one of `versions`: how an administrator's choice ends a divergence. */
export function merged(hash: string, versions: readonly ConfigVersion[]): ConfigVersion {
  const generation = Math.max(0, ...versions.map((v) => v.generation)) + 1;
  // Every parent's line, newest generation first, so that truncating drops the oldest of all, not a whole branch.
  const gen = (k: string) => Number(k.slice(0, k.indexOf(':')));
  const ancestors = [...new Set([...versions.map(versionKey), ...versions.flatMap((v) => v.ancestors ?? [])])].sort((a, b) => gen(b) - gen(a)).slice(0, LINEAGE_DEPTH);
  const v = { generation, hash, ancestors, acked: [] };
  return withAcks(v, ...versions);
}
