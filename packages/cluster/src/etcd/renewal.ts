// The lease's renewal, asked of every etcd endpoint at once each period.
// etcd's client library keeps one keep-alive stream on one member picked at
// random, and notices a member that hangs (paused, or its host frozen) only
// after a whole TTL without an answer, then may pick it again: a node then
// self-fences while etcd has quorum. Any member forwards a keep-alive to
// the leader, so the first answer from any of them is the renewal, and a
// member that hangs or is gone costs nothing but its own attempt.

/** One endpoint's keep-alive: the lease's remaining TTL in seconds as etcd answers it (0 or less: the lease is gone). */
export interface KeepAlive {
  readonly endpoint: string;
  keepAlive(leaseId: string, deadlineMs: number): Promise<number>;
}

export interface EndpointHealth {
  ok: boolean;
  /** The last answer's time (monotonic ms). */
  lastOkAt?: number;
  error?: string;
}

export interface RenewalOptions {
  endpoints: readonly KeepAlive[];
  /** How often a renewal is sent (TTL/3), and how long each attempt may take. */
  periodMs: number;
  now(): number;
  /** A renewal answered: it counts from `sentAt`, when it was sent, never from its answer. */
  onRenewed(sentAt: number): void;
  /** etcd answered that the lease no longer exists. */
  onExpired(): void;
}

export class LeaseRenewal {
  readonly health = new Map<string, EndpointHealth>();
  private timer?: NodeJS.Timeout;
  private leaseId?: string;

  constructor(private readonly o: RenewalOptions) {
    for (const e of o.endpoints) this.health.set(e.endpoint, { ok: false });
  }

  /** Renews `leaseId` now and every period from now on, until stopped or another lease is given. */
  start(leaseId: string): void {
    this.stop();
    this.leaseId = leaseId;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.o.periodMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.leaseId = undefined;
  }

  /** One round: every endpoint asked at once; resolves when all have answered or given up. */
  async tick(): Promise<void> {
    const id = this.leaseId;
    if (id === undefined) return;
    const sentAt = this.o.now();
    let renewed = false;
    await Promise.all(
      this.o.endpoints.map(async (e) => {
        try {
          const ttl = await e.keepAlive(id, this.o.periodMs);
          this.health.set(e.endpoint, { ok: true, lastOkAt: this.o.now() });
          // An answer for a lease since replaced says nothing of the new one.
          if (this.leaseId !== id) return;
          if (ttl <= 0) return this.o.onExpired();
          if (!renewed) this.o.onRenewed(sentAt);
          renewed = true;
        } catch (err) {
          const was = this.health.get(e.endpoint);
          this.health.set(e.endpoint, { ok: false, ...(was?.lastOkAt !== undefined ? { lastOkAt: was.lastOkAt } : {}), error: (err as Error).message });
        }
      }),
    );
  }
}
