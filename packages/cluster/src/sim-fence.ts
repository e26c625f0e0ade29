// A simulated agent's fences, as fencing.ts of apps/agent keeps a real
// agent's: one try per target at a time, a failure tried again after the
// agent's backoff, a success remembered until the partition has word of the
// target again. The simulator says what powering off and failing mean.
import type { Decision } from './orchestrator.js';
import { fenceBackoffMs, stillFenced } from './stonith.js';

export interface SimFenceWorld {
  /** Seconds, the simulator's tick. */
  t: number;
  ms: number;
  /** The fence command of `node` fails (the scenario's fenceFails). */
  fails(node: string): boolean;
  /** Powers `node` off; fence agents accept a node already off. */
  powerOff(node: string): void;
  say(what: string): void;
}

export class SimFences {
  /** Node -> when fenced (ms). */
  private readonly fenced = new Map<string, number>();
  private readonly retry = new Map<string, { failures: number; at: number }>();

  /** The fences that still count, those heard of since forgotten (and said). */
  current(alive: readonly string[], lastWordMs: Readonly<Record<string, number>>, w: Pick<SimFenceWorld, 'ms' | 'say'>): string[] {
    const still = stillFenced(this.fenced, alive, lastWordMs, w.ms);
    for (const x of [...this.fenced.keys()].filter((n) => !still.includes(n))) {
      this.fenced.delete(x);
      w.say(`${x} heard of again: its fence no longer counts`);
    }
    return still;
  }

  carryOut(d: Extract<Decision, { action: 'fence' }>, w: SimFenceWorld): void {
    const due = d.nodes.filter((x) => !this.fenced.has(x) && (this.retry.get(x)?.at ?? 0) <= w.t);
    if (!due.length) return;
    w.say(`fence ${d.service} (${d.reason})`);
    for (const x of due) {
      if (w.fails(x)) {
        const failures = (this.retry.get(x)?.failures ?? 0) + 1;
        this.retry.set(x, { failures, at: w.t + fenceBackoffMs(failures) / 1000 });
        w.say(`fence ${x} (failed, retry in ${fenceBackoffMs(failures) / 1000} s)`);
      } else {
        w.powerOff(x);
        this.fenced.set(x, w.ms);
        this.retry.delete(x);
        w.say(`fence ${x} (ok)`);
      }
    }
  }
}
