// The agent's side of stonith: the orchestrator decides which peers must be
// fenced before a `stonith = true` service starts here (stonith.ts of
// @capsule/cluster); this runs each peer's `[stonith#NODE] cmd`, one run at
// a time per peer however many services ask, retries a failure after a
// backoff (the takeover waits: safety over availability, said loudly at
// every try), and remembers a success until the partition has word of the
// peer again.
import { fenceBackoffMs, monotonicMs, stillFenced, type Decision } from '@capsule/cluster';
import type { ExecOptions, ExecResult } from '@capsule/core';

export type FenceDecision = Extract<Decision, { action: 'fence' }>;

export interface FencerOptions {
  /** `[stonith#NODE] cmd` of each peer, as node.conf says now (a reload counts at the next try). */
  commands(): Readonly<Record<string, readonly string[]>>;
  /** A fence command that takes longer is killed, and counts as failed. */
  timeoutMs(): number;
  exec(argv: readonly string[], o: ExecOptions): Promise<ExecResult>;
  log(line: string): void;
  now?: () => number;
}

interface Failing {
  failures: number;
  retryAt: number;
  error: string;
}

/** What `nodemgr daemon status` shows. */
export interface FencingStatus {
  /** Fenced by this agent and not heard of since: how long ago. */
  fenced: Record<string, { agoMs: number }>;
  running: string[];
  failing: Record<string, { failures: number; retryInMs: number; error: string }>;
}

export class Fencer {
  /** Node -> when its fence succeeded (monotonic ms). */
  private readonly fences = new Map<string, number>();
  private readonly running = new Set<string>();
  private readonly failing = new Map<string, Failing>();
  private readonly now: () => number;

  constructor(private readonly o: FencerOptions) {
    this.now = o.now ?? monotonicMs;
  }

  /**
   * The nodes still fenced, for the orchestrator: a fence no longer counts
   * once the partition has word of the node again (alive, or heard after
   * the fence); a node alive again also starts afresh if its fence failed.
   */
  current(alive: readonly string[], lastWordMs: Readonly<Record<string, number>>): string[] {
    const still = stillFenced(this.fences, alive, lastWordMs, this.now());
    for (const n of [...this.fences.keys()].filter((x) => !still.includes(x))) {
      this.fences.delete(n);
      this.o.log(`${n} is heard of again: its fence no longer counts (a later takeover from it fences it again)`);
    }
    for (const n of alive) this.failing.delete(n);
    return still;
  }

  /** Carries out a fence decision: each node not fenced, not being fenced and not waiting for a retry is fenced now. Resolves when those runs end. */
  async fence(d: FenceDecision): Promise<void> {
    const now = this.now();
    const due = d.nodes.filter((n) => !this.fences.has(n) && !this.running.has(n) && (this.failing.get(n)?.retryAt ?? -Infinity) <= now);
    await Promise.all(due.map((n) => this.fenceOne(n, d)));
  }

  private async fenceOne(node: string, d: FenceDecision): Promise<void> {
    const argv = this.o.commands()[node];
    if (!argv?.length) {
      this.failed(node, `stonith = true for ${d.service} but node.conf has no [stonith#${node}] cmd: not taking over`, 'no [stonith] cmd');
      return;
    }
    this.running.add(node);
    const started = this.now();
    this.o.log(`fence ${node} for ${d.service} (${d.reason}): ${argv.join(' ')}`);
    try {
      const r = await this.o.exec(argv, { env: { CAPSULE_FENCED_NODE: node }, timeoutMs: this.o.timeoutMs() });
      const took = `${((this.now() - started) / 1000).toFixed(1)} s`;
      if (r.code === 0) {
        this.fences.set(node, this.now());
        this.failing.delete(node);
        this.o.log(`fence ${node}: done in ${took}, ${node} is off: ${d.service} may start here`);
      } else {
        const said = lastLine(r.stderr) || lastLine(r.stdout);
        const why = `exit ${r.code}${said ? ` (${said})` : ''}`;
        this.failed(node, `fence ${node} failed: ${why} after ${took}`, why);
      }
    } catch (e) {
      // A timeout, or a command that cannot run: failed all the same.
      this.failed(node, `fence ${node} failed: ${(e as Error).message}`, (e as Error).message);
    } finally {
      this.running.delete(node);
    }
  }

  private failed(node: string, message: string, error: string): void {
    const failures = (this.failing.get(node)?.failures ?? 0) + 1;
    const wait = fenceBackoffMs(failures);
    this.failing.set(node, { failures, retryAt: this.now() + wait, error });
    this.o.log(`${message}; no takeover from ${node} until a fence succeeds: retry in ${wait / 1000} s (failure ${failures} in a row)`);
  }

  status(): FencingStatus {
    const now = this.now();
    return {
      fenced: Object.fromEntries([...this.fences].map(([n, at]) => [n, { agoMs: Math.round(now - at) }])),
      running: [...this.running],
      failing: Object.fromEntries([...this.failing].map(([n, f]) => [n, { failures: f.failures, retryInMs: Math.max(0, Math.round(f.retryAt - now)), error: f.error }])),
    };
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
