// Ballots for config edits (docs/architecture.md, Planned: "Ballots for
// config edits"): single-decree Paxos per edit, the value being a version
// with its lineage. Pure: the acceptor's state and the proposer's choices;
// the I/O (prepare, accept over ssh) is the CLI's. Work in progress: not
// wired into the CLI yet.
import type { ConfigVersion } from './version.js';
import { relate } from './lineage.js';

/** `N.node`: ordered by N, then by node name (so two proposers never share one). */
export type Ballot = string;

export const ZERO: Ballot = '0.';

export function compareBallots(a: Ballot, b: Ballot): number {
  const [na, ...ra] = a.split('.');
  const [nb, ...rb] = b.split('.');
  const d = Number(na) - Number(nb);
  return d !== 0 ? Math.sign(d) : ra.join('.') < rb.join('.') ? -1 : ra.join('.') > rb.join('.') ? 1 : 0;
}

/** The first ballot of `node` above every ballot in `seen`. */
export function nextBallot(node: string, seen: readonly Ballot[]): Ballot {
  const top = Math.max(0, ...seen.map((b) => Number(b.split('.')[0]) || 0));
  return `${top + 1}.${node}`;
}

/** What one voter holds: its copy, the ballot that copy was accepted at, the highest ballot it promised. */
export interface Acceptor {
  version: ConfigVersion;
  accepted: Ballot;
  promised: Ballot;
}

/** Phase 1: a voter promises `b` when it is above its promise; it answers its copy and the ballot it was accepted at. */
export function prepare(a: Acceptor, b: Ballot): { ok: boolean; state: Acceptor } {
  if (compareBallots(b, a.promised) <= 0) return { ok: false, state: a };
  return { ok: true, state: { ...a, promised: b } };
}

/** The answer to build on: the copy accepted at the highest ballot (Paxos's rule). */
export function highest<T extends Pick<Acceptor, 'version' | 'accepted'>>(answers: readonly T[]): T | undefined {
  return [...answers].sort((x, y) => compareBallots(y.accepted, x.accepted))[0];
}

/** Phase 2: a voter accepts `v` at `b` unless it promised more; what it replaces when they diverge is the caller's to keep. */
export function accept(a: Acceptor, v: ConfigVersion, b: Ballot): { ok: boolean; state: Acceptor } {
  if (compareBallots(b, a.promised) < 0) return { ok: false, state: a };
  return { ok: true, state: { version: v, accepted: b, promised: b } };
}

/** Replication (outside the vote): a copy is taken when it descends from the voter's, or diverged and was accepted at a higher ballot. */
export function replicate(a: Acceptor, v: ConfigVersion, accepted: Ballot): Acceptor {
  const r = relate(v, a.version);
  if (r === 'descends') return { ...a, version: v, accepted: compareBallots(accepted, a.accepted) > 0 ? accepted : a.accepted };
  if (r === 'diverged' && compareBallots(accepted, a.accepted) > 0) return { ...a, version: v, accepted };
  return a;
}
