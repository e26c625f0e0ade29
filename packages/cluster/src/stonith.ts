// Fencing as OpenSVC and Pacemaker do it: a failover service with
// `stonith = true` is started only once every node of the service outside
// this partition has been fenced (powered off by its `[stonith#NODE] cmd`),
// and that fence has been seen to succeed. A fenced node holds nothing, so
// its silence needs no waiting: the takeover delay is replaced by the
// fence's confirmation (docs/architecture.md, "Starting is safe by
// construction"). Pure rules; the agent runs the commands (fencing.ts of
// apps/agent) and the simulator powers nodes off.
import { own } from './membership.js';
import type { ServicePolicy } from './policy.js';

/** What the orchestrator's input adds for fencing. */
export interface FenceInput {
  /** A peer unheard for this long is lost (the heartbeat timeout). */
  timeoutMs: number;
  /** For each node outside `alive`: how long since anyone in the partition had word of it (membership.ts, lastWordMs). */
  lastWordMs: Readonly<Record<string, number>>;
  /** Nodes this agent fenced and has had no word of since. */
  fenced: readonly string[];
}

export interface FenceVerdict {
  action: 'fence';
  nodes: string[];
  reason: string;
}

/**
 * Before this node, the placement leader with no holder alive, starts a
 * stonith service: the fence to carry out, `wait` while a node outside the
 * partition is not fenced and not lost to the whole partition yet (some
 * member still hears it: a broken link, not a lost node; fencing it would
 * kill a healthy node, and the leaders of two overlapping partitions would
 * fence each other), or undefined once every node outside is fenced.
 * Every node outside is fenced, not only the last holder: a restarted agent
 * does not know who held the service, and fence agents accept a node
 * already off.
 */
export function fenceBeforeStart(svc: Pick<ServicePolicy, 'nodes'>, input: FenceInput & { alive: readonly string[]; settled: boolean }, leader: string): FenceVerdict | 'wait' | undefined {
  const unfenced = svc.nodes.filter((n) => !input.alive.includes(n) && !input.fenced.includes(n));
  if (!unfenced.length) return undefined;
  // The start needs recent views; so does killing a node for it.
  if (!input.settled) return 'wait';
  const word = (n: string) => own(input.lastWordMs, n) ?? 0;
  const lost = unfenced.filter((n) => word(n) >= input.timeoutMs);
  if (!lost.length) return 'wait';
  const unheard = lost.map((n) => (word(n) === Infinity ? `${n} never heard` : `${n} unheard for ${(word(n) / 1000).toFixed(1)} s`));
  return { action: 'fence', nodes: lost, reason: `stonith: ${leader}, ${unheard.join(', ')}` };
}

/**
 * The fences that still hold: a node fenced at `at` (monotonic ms, when
 * its command succeeded) stays fenced until the partition has word of it
 * again (it is alive, or someone heard it after the fence). An estimate
 * that errs only towards forgetting: a fence forgotten too soon is run
 * again, one remembered too long would skip a live holder.
 */
export function stillFenced(fences: ReadonlyMap<string, number>, alive: readonly string[], lastWordMs: Readonly<Record<string, number>>, now: number): string[] {
  return [...fences].filter(([n, at]) => !alive.includes(n) && (own(lastWordMs, n) ?? 0) >= now - at).map(([n]) => n);
}

/** A failed fence is tried again after 5 s, doubling with each failure in a row, at most 60 s: the takeover waits on it. */
export function fenceBackoffMs(failures: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, failures - 1), 60_000);
}
