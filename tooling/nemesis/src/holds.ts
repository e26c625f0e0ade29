// Who holds the service, sampled every 100 ms for the whole run (address up
// on the node's link, or the app's process alive there): every moment with
// two holders is a double hold, recorded with its start, duration and nodes.
import { holders, type TestCluster } from '@capsule/testenv';

export const SAMPLE_EVERY_MS = 100;

/** Two nodes or more holding the service from `start` until `end` (ms since the epoch), sample to sample. */
export interface DoubleHold {
  start: number;
  end: number;
  nodes: string[];
}

/** Pure: turns samples into double-hold episodes; an episode lasts from its first double sample to the first single one. */
export class HoldTracker {
  readonly doubles: DoubleHold[] = [];
  /** The nodes holding at the last sample. */
  current: string[] = [];
  private open: DoubleHold | undefined;

  /** Returns the episode when this sample opens one. */
  sample(t: number, holding: readonly string[]): DoubleHold | undefined {
    this.current = [...holding];
    if (holding.length > 1) {
      if (this.open) {
        this.open.end = t;
        this.open.nodes = [...new Set([...this.open.nodes, ...holding])].sort();
        return undefined;
      }
      this.open = { start: t, end: t, nodes: [...holding].sort() };
      this.doubles.push(this.open);
      return this.open;
    }
    if (this.open) this.open.end = t;
    this.open = undefined;
    return undefined;
  }

  /** Ends an episode still open when the run stops sampling. */
  close(t: number): void {
    if (this.open) this.open.end = t;
    this.open = undefined;
  }

  /** The one node holding the service now, if exactly one does. */
  get holder(): string | undefined {
    return this.current.length === 1 ? this.current[0] : undefined;
  }
}

/** Samples `c` into `tracker` until stopped; `onDouble` hears each episode as it opens. */
export function sampleHolds(c: TestCluster, tracker: HoldTracker, onDouble: (d: DoubleHold) => void): { stop(): Promise<void> } {
  let running = true;
  let wake: (() => void) | undefined;
  const done = (async () => {
    while (running) {
      const t0 = Date.now();
      const opened = tracker.sample(Date.now(), await holders(c));
      if (opened) onDouble(opened);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, Math.max(0, t0 + SAMPLE_EVERY_MS - Date.now()));
      });
    }
  })();
  return {
    async stop() {
      running = false;
      wake?.();
      await done;
    },
  };
}
