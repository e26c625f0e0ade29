// The faults of a run, one at a time from the seed's schedule until the
// deadline: each aimed (at the holder or another node), injected, held for
// its duration, healed, and the client answered again before a short pause
// and the next.
import type { TestCluster } from '@capsule/testenv';
import type { FaultRecord } from './analysis.js';
import { inject, prepare } from './faults.js';
import type { HoldTracker } from './holds.js';
import type { ClientProber } from './prober.js';
import { chooseMembers, chooseNode, FAULT_MS, faultLabel, faultSchedule, ON_ETCD, type FaultKind } from './schedule.js';
import { secs, sleep } from './time.js';

/** A healed fault must see the service answer again within this before the next one. */
const RECOVERY_MS = 60_000;

export interface FaultLoopContext {
  seed: number;
  kinds: readonly FaultKind[];
  deadline: number;
  tracker: HoldTracker;
  prober: ClientProber;
  /** Nodes powered off now, which the edits avoid. */
  down: Set<string>;
  say(line: string): void;
  signal: AbortSignal;
}

export async function runFaults(c: TestCluster, x: FaultLoopContext): Promise<FaultRecord[]> {
  const nodes = [...c.nodes.keys()];
  const faults: FaultRecord[] = [];
  const members = c.etcd?.members.map((m) => m.name) ?? [];
  for (const plan of faultSchedule(x.seed, x.kinds)) {
    const remaining = x.deadline - Date.now();
    // The last fault is cut to the deadline, never below its kind's least duration.
    if (remaining <= 0 || remaining < FAULT_MS[plan.kind][0]) break;
    const durationMs = Math.min(plan.durationMs, remaining);
    const holder = x.tracker.holder;
    const node = ON_ETCD.has(plan.kind) ? chooseMembers(plan.kind, plan.pick, members).join('+') : chooseNode(plan, holder, nodes)!;
    const target = { kind: plan.kind, node, loss: plan.loss };
    await prepare(c, target);
    if (target.kind === 'power-off') x.down.add(target.node);
    const injectedAt = Date.now();
    x.say(`${faultLabel(target.kind, plan.loss)} on ${target.node}${target.node === holder ? ' (holder)' : ''} for ${secs(durationMs)}`);
    const heal = await inject(c, target);
    try {
      await sleep(durationMs, x.signal);
    } finally {
      // Aborted: the cluster's disposal removes everything, the fault with it.
      if (!x.signal.aborted) await heal();
    }
    x.down.delete(target.node);
    const healedAt = Date.now();
    faults.push({ kind: target.kind, node: target.node, ...(holder ? { holder } : {}), injectedAt, healedAt, ...(target.kind === 'loss' ? { loss: plan.loss } : {}) });
    const back = await x.prober.answerSince(healedAt, RECOVERY_MS, x.signal);
    x.say(`healed; ${back ? `the service answers from ${back.node}` : `THE SERVICE DID NOT ANSWER within ${secs(RECOVERY_MS)}`}`);
    await sleep(plan.pauseAfterMs, x.signal);
  }
  return faults;
}
