// The cluster backend on heartbeats: views travel in signed datagrams on
// every [hb#N] link, membership is mutual hearing within the timeout,
// quorum is the majority rule with the arbitrator for a tie. There is no
// shared store, so a claim is the orchestrator's own decision: every node
// decides the same from the same views, and only a partition with quorum
// may start anything.
import { randomBytes } from 'node:crypto';
import { askArbitrator } from '../arbitrator.js';
import type { ClusterBackend, Membership, PeerState, PublishedView } from '../backend.js';
import type { ClusterConfig } from '../config.js';
import { aliveNodes, type Heard } from '../membership.js';
import { quorum } from '../quorum.js';
import type { NodeView } from '../view.js';
import { decodeHeartbeat, encodeHeartbeat, newCounters, ReplayGuard } from './codec.js';
import { linkFor } from './link.js';
import type { HeartbeatLink } from './unicast.js';

export class HeartbeatBackend implements ClusterBackend {
  readonly boot = randomBytes(8).toString('hex');
  readonly counters = newCounters();
  private seq = 0;
  private readonly startedAt = Date.now();
  private readonly heard = new Map<string, Heard>();
  private readonly guard = new ReplayGuard();
  private links: HeartbeatLink[] = [];
  private timer?: NodeJS.Timeout;
  private onChange: () => void = () => undefined;
  /** The arbitrator's last answer: when, and whom it heard. */
  private arb?: { at: number; seen: string[] };
  private last: PublishedView = { frozen: false, services: {} };
  private closed = false;
  private readonly hb;

  constructor(
    private readonly cluster: ClusterConfig,
    private readonly self: string,
  ) {
    this.hb = cluster.hbs[0]!;
  }

  async start(onChange?: () => void): Promise<void> {
    if (onChange) this.onChange = onChange;
    this.links = this.cluster.hbs.map((hb) => linkFor(hb, this.self));
    await Promise.all(this.links.map((l) => l.start((buf) => this.receive(buf))));
    if (this.cluster.arbitrators.length) this.timer = setInterval(() => void this.askArbitrator(), this.hb.intervalMs);
  }

  async publish(view: PublishedView): Promise<void> {
    this.last = view;
    // A timer may still fire after close: a closed socket throws on send.
    if (this.closed) return;
    const buf = encodeHeartbeat({ cluster: this.cluster.name, node: this.self, boot: this.boot, seq: ++this.seq, ts: Date.now(), view: this.own(Date.now()) }, this.cluster.secret);
    for (const l of this.links) {
      const failed = await l.send(buf);
      this.counters.sent++;
      this.counters.sendErrors += failed;
    }
  }

  membership(): Membership {
    const now = Date.now();
    const alive = aliveNodes(this.self, this.heard, now, this.hb.timeoutMs);
    const arbitrator = this.arbitrator(now);
    const views: Record<string, NodeView> = { [this.self]: this.own(now) };
    for (const n of alive) if (n !== this.self) views[n] = this.heard.get(n)!.view;
    return { alive, quorum: quorum({ nodes: this.cluster.nodes, alive, ...(arbitrator ? { arbitrator } : {}) }), views, ready: now - this.startedAt >= this.hb.timeoutMs };
  }

  async claim(): Promise<boolean> {
    const m = this.membership();
    return m.ready && m.quorum.quorum;
  }

  async release(): Promise<void> {}

  peers(): Record<string, PeerState> {
    const now = Date.now();
    const alive = aliveNodes(this.self, this.heard, now, this.hb.timeoutMs);
    return Object.fromEntries(this.cluster.nodes.filter((n) => n !== this.self).map((n) => [n, { alive: alive.includes(n), lastHeardMs: this.heard.has(n) ? now - this.heard.get(n)!.at : null }]));
  }

  details(): Record<string, unknown> {
    return { boot: this.boot, counters: this.counters, arbitrator: this.arbitrator(Date.now()) ?? null };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.all(this.links.map((l) => l.close()));
  }

  private own(now: number): NodeView {
    return { ...this.last, hears: [...this.heard].filter(([, h]) => now - h.at < this.hb.timeoutMs).map(([n]) => n) };
  }

  private arbitrator(now: number) {
    return this.cluster.arbitrators.length ? { reachable: this.arb !== undefined && now - this.arb.at < this.hb.timeoutMs, seen: this.arb?.seen ?? [] } : undefined;
  }

  private receive(buf: Buffer): void {
    this.counters.received++;
    const r = decodeHeartbeat(buf, { secret: this.cluster.secret, cluster: this.cluster.name, nodes: this.cluster.nodes, self: this.self, now: Date.now(), windowMs: Math.max(10_000, 3 * this.hb.timeoutMs) }, this.guard);
    if (typeof r === 'string') {
      this.counters.rejected[r]++;
      return;
    }
    this.counters.accepted++;
    this.heard.set(r.node, { at: Date.now(), view: r.view });
    this.onChange();
  }

  /** Says hello to the first arbitrator; its answer counts until it is older than the timeout. */
  private async askArbitrator(): Promise<void> {
    const a = this.cluster.arbitrators[0]!;
    const seen = await askArbitrator({ host: a.host, port: a.port, cluster: this.cluster.name, node: this.self, secret: this.cluster.secret, timeoutMs: this.hb.intervalMs, recentMs: this.hb.timeoutMs });
    if (seen) this.arb = { at: Date.now(), seen };
  }
}
