// The run's figures from what was recorded (faults, probes, holds, edits):
// pure, so every rule of the report is tested without a cluster.
import type { Edit } from './edits.js';
import type { DoubleHold } from './holds.js';
import type { Probe } from './prober.js';
import { TAKES_HOLDER_AWAY, type Backend, type FaultKind } from './schedule.js';

export interface FaultRecord {
  kind: FaultKind;
  node: string;
  /** The node holding the service when the fault was injected, if exactly one did. */
  holder?: string;
  injectedAt: number;
  healedAt: number;
  /** The loss probability of a `loss` fault. */
  loss?: number;
}

export interface FaultOutcome extends FaultRecord {
  onHolder: boolean;
  /** From the injection until the client is answered again; 0 when it never failed. */
  outageMs: number;
  /** Failures with no answer after them before the next fault: the outage is a lower bound. */
  unrecovered: boolean;
  /** The holder taken away: from the injection until another node answers; undefined when none did. */
  failoverMs?: number;
  /** The node answering after the fault, when it is not the holder at injection. */
  movedTo?: string;
}

export interface Stat {
  median: number;
  max: number;
}

export interface KindSummary {
  count: number;
  onHolder: number;
  /** The client's outage over every fault of the kind. */
  outage: Stat;
  /** Faults that took the holder away: how many, how many moved it, and how long that took. */
  failover?: { asked: number; moved: number } & Partial<Stat>;
}

/** A double hold, with the agents' and watchdogs' log lines around it once the run has read them. */
export type Episode = DoubleHold & { durationMs: number; events?: string[] };

export type LostEdit = Edit & { missingOn: string[] };

export interface RunRecord {
  seed: number;
  durationMs: number;
  arbitrator: boolean;
  backend: Backend;
  /** The kinds the run drew its faults from. */
  kinds: readonly FaultKind[];
  /** When the first fault could be injected (the service up) and when the run ended. */
  from: number;
  to: number;
  faults: FaultRecord[];
  probes: Probe[];
  doubles: DoubleHold[];
  edits: Edit[];
  lost: LostEdit[];
  /** At the end: agents not ready and in quorum, whether the config copies converged, the node answering the client. */
  settle: { lagging: string[]; converged: boolean; serving?: string };
}

export interface NemesisReport {
  seed: number;
  durationMs: number;
  arbitrator: boolean;
  backend: Backend;
  kinds: FaultKind[];
  /** When the faults began (ms since the epoch): the origin of every `+N s` in the text. */
  startedAt: number;
  elapsedMs: number;
  faults: { total: number; byKind: Partial<Record<FaultKind, number>> };
  doubleHolds: { count: number; totalMs: number; maxMs: number; episodes: Episode[] };
  perKind: Partial<Record<FaultKind, KindSummary>>;
  /** Faults that spared the holder yet the service answered from another node. */
  unaskedMoves: FaultOutcome[];
  log: FaultOutcome[];
  edits: { tried: number; acknowledged: number; failed: number; lost: LostEdit[] };
  settle: RunRecord['settle'];
  ok: boolean;
  /** Why the run failed, one line each. */
  findings: string[];
  /** Where the nodes' logs were kept, when the run found something. */
  logsDir?: string;
}

export function stat(values: readonly number[]): Stat {
  if (!values.length) return { median: 0, max: 0 };
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, max: s.at(-1)! };
}

/** What the client saw of one fault, over its window: from its injection to the next fault's (or the run's end). */
export function outcome(f: FaultRecord, windowEnd: number, probes: readonly Probe[]): FaultOutcome {
  const seen = probes.filter((p) => p.start >= f.injectedAt && p.start < windowEnd);
  const firstFail = seen.findIndex((p) => p.error);
  const answerAfterFail = firstFail < 0 ? undefined : seen.slice(firstFail).find((p) => p.node);
  const elsewhere = seen.find((p) => p.node && p.node !== (f.holder ?? f.node));
  const onHolder = f.node === f.holder;
  return {
    ...f,
    onHolder,
    outageMs: firstFail < 0 ? 0 : (answerAfterFail?.end ?? windowEnd) - f.injectedAt,
    unrecovered: firstFail >= 0 && !answerAfterFail,
    ...(onHolder && TAKES_HOLDER_AWAY.has(f.kind) && elsewhere ? { failoverMs: elsewhere.end - f.injectedAt } : {}),
    ...(f.holder && elsewhere ? { movedTo: elsewhere.node! } : {}),
  };
}

function summarize(kind: FaultKind, outcomes: readonly FaultOutcome[]): KindSummary {
  const mine = outcomes.filter((o) => o.kind === kind);
  const asked = mine.filter((o) => o.onHolder);
  const times = asked.flatMap((o) => (o.failoverMs === undefined ? [] : [o.failoverMs]));
  return {
    count: mine.length,
    onHolder: asked.length,
    outage: stat(mine.map((o) => o.outageMs)),
    ...(TAKES_HOLDER_AWAY.has(kind) ? { failover: { asked: asked.length, moved: times.length, ...(times.length ? stat(times) : {}) } } : {}),
  };
}

export function analyze(r: RunRecord): NemesisReport {
  const log = r.faults.map((f, i) => outcome(f, r.faults[i + 1]?.injectedAt ?? r.to, r.probes));
  const episodes = r.doubles.map((d) => ({ ...d, durationMs: d.end - d.start }));
  const byKind = Object.fromEntries(r.kinds.map((k) => [k, log.filter((o) => o.kind === k).length]));
  const findings = [
    ...episodes.map((d) => `double hold: ${d.nodes.join(' and ')} for ${d.durationMs} ms from ${new Date(d.start).toISOString()}`),
    ...r.lost.map((e) => `lost edit: nemesis_${e.k}, acknowledged on ${e.node}${e.onHolder ? ' (the holder)' : ''} at ${new Date(e.at).toISOString()}, missing on ${e.missingOn.join(', ')}`),
  ];
  return {
    seed: r.seed,
    durationMs: r.durationMs,
    arbitrator: r.arbitrator,
    backend: r.backend,
    kinds: [...r.kinds],
    startedAt: r.from,
    elapsedMs: r.to - r.from,
    faults: { total: log.length, byKind },
    doubleHolds: { count: episodes.length, totalMs: episodes.reduce((s, d) => s + d.durationMs, 0), maxMs: Math.max(0, ...episodes.map((d) => d.durationMs)), episodes },
    perKind: Object.fromEntries(r.kinds.map((k) => [k, summarize(k, log)])),
    unaskedMoves: log.filter((o) => !o.onHolder && o.movedTo),
    log,
    edits: { tried: r.edits.length, acknowledged: r.edits.filter((e) => e.acknowledged).length, failed: r.edits.filter((e) => !e.acknowledged).length, lost: r.lost },
    settle: r.settle,
    ok: findings.length === 0,
    findings,
  };
}
