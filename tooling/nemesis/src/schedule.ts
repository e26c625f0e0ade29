// What the nemesis does and when, drawn from the seed alone: the same seed
// gives the same sequence of fault kinds, durations, pauses and targets
// (the holder, or which other node), whatever the cluster does. Which node
// is the holder at that moment is the run's, not the schedule's.
import { between, seededRng, type Rng } from './prng.js';

export const FAULT_KINDS = ['power-off', 'kill', 'pause', 'partition', 'loss'] as const;
/**
 * With `backend = etcd`, faults on the store as well: a capsule node cut off
 * from every etcd member (the self-fencing case), one member killed or
 * paused (a paused leader holds its term until the others time it out), and
 * two members killed (etcd without quorum: no renewal anywhere).
 */
export const ETCD_FAULT_KINDS = [...FAULT_KINDS, 'etcd-cut', 'etcd-kill', 'etcd-pause', 'etcd-quorum'] as const;
export type FaultKind = (typeof ETCD_FAULT_KINDS)[number];
export type Backend = 'hb' | 'etcd';

/** The fault kinds of a run on `backend`. */
export const faultKinds = (backend: Backend): readonly FaultKind[] => (backend === 'etcd' ? ETCD_FAULT_KINDS : FAULT_KINDS);

/** Faults aimed at etcd members rather than capsule nodes. */
export const ON_ETCD: ReadonlySet<FaultKind> = new Set(['etcd-kill', 'etcd-pause', 'etcd-quorum']);

/** How long each kind lasts, in ms (kill: how long the agent stays dead). */
export const FAULT_MS: Record<FaultKind, readonly [number, number]> = {
  'power-off': [5_000, 30_000],
  kill: [0, 10_000],
  pause: [5_000, 20_000],
  partition: [5_000, 30_000],
  loss: [10_000, 30_000],
  'etcd-cut': [5_000, 30_000],
  'etcd-kill': [5_000, 30_000],
  'etcd-pause': [5_000, 20_000],
  'etcd-quorum': [5_000, 20_000],
};

/** A fault as the report names it: its kind, with its drop rate for a loss. */
export const faultLabel = (kind: FaultKind, loss?: number) => (kind === 'loss' ? `loss ${Math.round((loss ?? 0) * 100)} %` : kind);

/** Faults that take the holder away when aimed at it: its failover time is measured. */
export const TAKES_HOLDER_AWAY: ReadonlySet<FaultKind> = new Set(['power-off', 'kill', 'pause', 'partition', 'etcd-cut']);

/**
 * The pause after a fault is healed and the service answers again, before
 * the next one: short, so that a two-minute run holds at least five faults
 * (a node just back, not yet ready, may well be hit next: that is a case too).
 */
export const PAUSE_MS = [500, 2_000] as const;

export interface FaultPlan {
  kind: FaultKind;
  /** Aimed at the node holding the service (half the time: that is where it matters). */
  onHolder: boolean;
  /** In [0, 1): which of the other nodes, when not aimed at the holder. */
  pick: number;
  durationMs: number;
  /** The drop probability of a `loss` fault, 0.10 to 0.60. */
  loss: number;
  pauseAfterMs: number;
}

/**
 * The fault schedule of a seed. Kinds come as shuffled rounds of all of
 * them (a bag), so every round exercises every kind, and four long faults
 * in a row (30 s each) cannot leave a two-minute run with four faults.
 */
export function* faultSchedule(seed: number, kinds: readonly FaultKind[] = FAULT_KINDS): Generator<FaultPlan, never> {
  const rng = seededRng(seed, 0);
  let bag: FaultKind[] = [];
  for (;;) {
    if (!bag.length) bag = shuffled(rng, kinds);
    const kind = bag.shift()!;
    const onHolder = rng() < 0.5;
    const pick = rng();
    const [min, max] = FAULT_MS[kind];
    const durationMs = between(rng, min, max);
    const loss = between(rng, 10, 60) / 100;
    const pauseAfterMs = between(rng, PAUSE_MS[0], PAUSE_MS[1]);
    yield { kind, onHolder, pick, durationMs, loss, pauseAfterMs };
  }
}

/** Fisher-Yates. */
function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = between(rng, 0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface EditPlan {
  /** Wait before the edit, 15 to 25 s: about one every 20 s. */
  afterMs: number;
  /** On the holder three times in four: the replication master, where an operator usually edits. */
  onHolder: boolean;
  pick: number;
}

export function* editSchedule(seed: number): Generator<EditPlan, never> {
  const rng: Rng = seededRng(seed, 1);
  for (;;) yield { afterMs: between(rng, 15_000, 25_000), onHolder: rng() < 0.75, pick: rng() };
}

/** The etcd members a store fault hits: one of them, or two for `etcd-quorum` (the picked one and the next). */
export function chooseMembers(kind: FaultKind, pick: number, members: readonly string[]): string[] {
  const i = Math.floor(pick * members.length);
  return kind === 'etcd-quorum' ? [members[i]!, members[(i + 1) % members.length]!] : [members[i]!];
}

/** The target of a plan: the holder when asked and there is one, else one of the other candidates. */
export function chooseNode(plan: { onHolder: boolean; pick: number }, holder: string | undefined, candidates: readonly string[]): string | undefined {
  if (plan.onHolder && holder && candidates.includes(holder)) return holder;
  const others = candidates.filter((n) => n !== holder);
  const pool = others.length ? others : candidates;
  return pool[Math.floor(plan.pick * pool.length)];
}
