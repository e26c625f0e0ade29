// Whether a service is moving (a switch or migrate under way here), for the
// agent's view, which is built synchronously several times a second: the
// marker is read each time (by the agent); its owner's liveness is checked in the
// background, at most once a second per service, and the last verdict used.
// A marker whose owner is gone is removed and not published: a switch killed
// half-way must not keep every daemon away from the service forever. Until
// the first check answers, the marker counts: a live switch is never missed.
import { clearStaleMigrating, parseMigrating } from '@capsule/service';
import type { ProcessProbe } from '@capsule/config';

export const RECHECK_MS = 1000;

interface Verdict {
  text: string;
  /** Its owner is gone (the file is being removed). */
  stale: boolean;
  checkedAt: number;
  checking: boolean;
}

export class MovingServices {
  private readonly verdicts = new Map<string, Verdict>();
  private readonly checks = new Set<Promise<void>>();

  constructor(private readonly o: { probe?: ProcessProbe; now?: () => number } = {}) {}

  /** Where the service moves to, or undefined, from its marker's text (undefined: no marker); `log` is told when a leftover marker is removed. */
  to(varDir: string, text: string | undefined, log: (line: string) => void): string | undefined {
    if (text === undefined) {
      this.verdicts.delete(varDir);
      return undefined;
    }
    // Half-written or garbage: nothing to publish (the next svcmgr action removes garbage, under its lock).
    const m = parseMigrating(text);
    if (!m) return undefined;
    const now = (this.o.now ?? Date.now)();
    let v = this.verdicts.get(varDir);
    if (!v || v.text !== text) {
      v = { text, stale: false, checkedAt: 0, checking: false };
      this.verdicts.set(varDir, v);
    }
    if (!v.checking && !v.stale && now - v.checkedAt >= RECHECK_MS) this.check(varDir, v, log, now);
    return v.stale ? undefined : m.to;
  }

  /** Resolves once the checks under way have answered (for tests). */
  async idle(): Promise<void> {
    await Promise.all(this.checks);
  }

  private check(varDir: string, v: Verdict, log: (line: string) => void, now: number): void {
    v.checking = true;
    v.checkedAt = now;
    const done: Promise<void> = clearStaleMigrating(varDir, this.o.probe ? { probe: this.o.probe } : {})
      .then((why) => {
        if (!why) return;
        v.stale = true;
        log(why);
      })
      .catch((e: unknown) => log(`cannot judge the migrating marker in ${varDir}: ${(e as Error).message}`))
      .finally(() => {
        v.checking = false;
        this.checks.delete(done);
      });
    this.checks.add(done);
  }
}

/** The agent's: one per process, keyed by the service's state directory. */
export const movingServices = new MovingServices();
