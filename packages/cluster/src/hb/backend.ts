// The cluster backend on heartbeats: views travel in signed datagrams on
// every [hb#N] link, membership is hearing each other within the timeout
// (membership.ts: echoes, this node's clock only), quorum is the majority
// rule with the arbitrator for a tie. There is no shared store, so a claim
// is the orchestrator's own decision: every node decides the same from the
// same views, and the start rule (docs/architecture.md) makes a takeover
// wait until the previous holder has fenced itself.
import { randomBytes, randomInt } from 'node:crypto';
import { askArbitrator } from '../arbitrator.js';
import type { ClusterBackend, Membership, PeerState, PublishedView } from '../backend.js';
import type { ClusterConfig } from '../config.js';
import { aliveNodes, arbitratorCounts, heardNow, lastWordMs, lostReason, own, quorumLease, silentFor, takeoverDelayMs, type Heard } from '../membership.js';
import { quorum } from '../quorum.js';
import type { NodeView } from '../view.js';
import { decodeHeartbeat, encodeHeartbeat, newCounters, ReplayGuard, type RejectReason } from './codec.js';
import { linkFor } from './link.js';
import type { HeartbeatLink } from './unicast.js';
import { fetchView, MAX_DATAGRAM, viewServer, ViewStore, type Services } from './viewfetch.js';
import type { Server } from 'node:net';

/** How often the backend looks at its own clock: a longer silence of the event loop is a pause (SIGSTOP, a stalled VM). */
const TICK_MS = 100;

export interface HeartbeatBackendOptions {
  /** Where membership changes and refused heartbeats are told (the agent's log). */
  log?: (line: string) => void;
  /** The monotonic clock, ms; injectable for tests. */
  now?: () => number;
}

/** CLOCK_MONOTONIC in ms: the same clock in every process of the host, so the watchdog can compare the lease with its own time. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export class HeartbeatBackend implements ClusterBackend {
  readonly boot = randomBytes(8).toString('hex');
  readonly counters = newCounters();
  // Sequences start anywhere, so that a peer's echo of a previous boot's heartbeat matches nothing of this one.
  private seq = randomInt(2 ** 40);
  /** This node's recent heartbeats: sequence number -> when sent. */
  private readonly sent = new Map<number, number>();
  private startedAt = Infinity;
  private lastTick = -Infinity;
  private readonly heard = new Map<string, Heard>();
  /** Sender clock minus this node's, per peer, from the last heartbeat (ms; includes the network's delay). */
  private readonly offsets = new Map<string, number>();
  private readonly guard = new ReplayGuard();
  private links: HeartbeatLink[] = [];
  private timers: NodeJS.Timeout[] = [];
  private onChange: () => void = () => undefined;
  /** The arbitrator's last answer: the time the hello was sent, how long ago it had heard each node, and since when answers came without a gap of a timeout. */
  private arb?: { at: number; seen: Record<string, number>; steadySince: number };
  private last: PublishedView = { frozen: false, services: {} };
  private closed = false;
  private wasAlive = new Set<string>();
  /** Refused heartbeats already told, per peer and reason, with when: told again at most once a minute. */
  private readonly told = new Map<string, number>();
  /** Views too large for a datagram: this node's, served by digest, and the peers' last fetched ones. */
  private readonly store = new ViewStore();
  private viewServer?: Server;
  private readonly peerServices = new Map<string, { digest: string; services: Services }>();
  private readonly fetching = new Set<string>();
  /** The digest each peer announced last, while its services are not here yet. */
  private readonly wanted = new Map<string, string>();
  private readonly hb;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly cluster: ClusterConfig,
    private readonly self: string,
    o: HeartbeatBackendOptions = {},
  ) {
    this.hb = cluster.hbs[0]!;
    this.now = o.now ?? monotonicMs;
    this.log = o.log ?? (() => undefined);
  }

  /** The delay before a takeover (membership.ts): the fence is bounded by the timeout. */
  get takeoverMs(): number {
    return takeoverDelayMs({ intervalMs: this.hb.intervalMs, timeoutMs: this.hb.timeoutMs, fenceMs: this.hb.timeoutMs, tickMs: TICK_MS });
  }

  async start(onChange?: () => void): Promise<void> {
    if (onChange) this.onChange = onChange;
    // Readiness counts from here, not from construction: the agent's first status round may take long.
    this.startedAt = this.lastTick = this.now();
    this.links = this.cluster.hbs.map((hb) => linkFor(hb, this.self));
    await Promise.all(this.links.map((l) => l.start((buf) => this.receive(buf))));
    this.viewServer = await viewServer({ host: this.hb.addresses[this.self]!, port: this.hb.port, cluster: this.cluster.name, nodes: this.cluster.nodes, secret: this.cluster.secret, store: this.store });
    this.timers.push(setInterval(() => this.tick(), TICK_MS));
    if (this.cluster.arbitrators.length) this.timers.push(setInterval(() => void this.askArbitrator(), this.hb.intervalMs));
  }

  async publish(view: PublishedView): Promise<void> {
    this.last = view;
    // A timer may still fire after close: a closed socket throws on send.
    if (this.closed) return;
    const now = this.tick();
    const seq = ++this.seq;
    this.sent.set(seq, now);
    for (const [s, at] of this.sent) if (now - at > this.hb.timeoutMs) this.sent.delete(s);
    const msg = { cluster: this.cluster.name, node: this.self, boot: this.boot, seq, ts: Date.now(), view: this.own(now) };
    let buf = encodeHeartbeat(msg, this.cluster.secret);
    // Services that do not fit travel by digest, fetched by the peers over TCP: a datagram is never fragmented.
    if (buf.length > MAX_DATAGRAM) buf = encodeHeartbeat({ ...msg, view: { ...msg.view, services: {} }, digest: this.store.put(msg.view.services) }, this.cluster.secret);
    if (buf.length > MAX_DATAGRAM) this.tell('size', `heartbeats of ${buf.length} bytes exceed ${MAX_DATAGRAM} even without the services (${this.cluster.nodes.length} nodes): they are fragmented, and one lost fragment loses the heartbeat; pools this large want the etcd backend`);
    for (const l of this.links) {
      const failed = await l.send(buf);
      this.counters.sent++;
      this.counters.sendErrors += failed;
      if (failed) this.tell('send', `${failed} heartbeat send(s) of ${buf.length} bytes failed on ${this.hb.name}`);
    }
  }

  membership(): Membership {
    const now = this.tick();
    const T = this.hb.timeoutMs;
    const alive = aliveNodes(this.self, this.heard, now, T);
    const arbitrator = this.arbitrator(now);
    const views: Record<string, NodeView> = { [this.self]: this.own(now) };
    for (const n of alive) if (n !== this.self) views[n] = this.heard.get(n)!.view;
    const q = quorum({ nodes: this.cluster.nodes, alive, ...(arbitrator ? { arbitrator } : {}) });
    const echoes = alive.filter((n) => n !== this.self).map((n) => this.heard.get(n)!.echo!);
    const arbFresh = this.arb !== undefined && now - this.arb.at < T;
    const arbCounts = arbFresh && arbitratorCounts(q.tieBreak, now - this.arb!.steadySince, this.takeoverMs);
    const silentMs: Record<string, number> = {};
    const lastWord: Record<string, number> = {};
    for (const n of this.cluster.nodes) {
      if (alive.includes(n)) continue;
      const arbSilent = arbCounts ? (own(this.arb!.seen, n) ?? Infinity) : undefined;
      silentMs[n] = silentFor(n, alive, views, this.self, now - (this.heard.get(n)?.at ?? this.startedAt), arbSilent);
      lastWord[n] = lastWordMs(n, alive, this.heard, this.self, now);
    }
    this.tellChanges(alive, now);
    return {
      alive,
      quorum: q,
      views,
      ready: now - this.startedAt >= T,
      silentMs,
      lastWordMs: lastWord,
      takeoverMs: this.takeoverMs,
      // Members' views recent enough to start on; a half's quorum also needs a recent arbitrator answer.
      settled: echoes.every((e) => now - e <= 2 * this.hb.intervalMs) &&
        alive.every((n) => !this.heard.get(n)?.pending) && (2 * alive.length !== this.cluster.nodes.length || (this.arb !== undefined && now - this.arb.at <= 2 * this.hb.intervalMs)),
      leaseUntil: q.quorum ? quorumLease({ clusterSize: this.cluster.nodes.length, echoes, timeoutMs: T, ...(arbFresh ? { arbitratorAt: this.arb!.at } : {}) }) : -Infinity,
    };
  }

  /** No store to hold a claim: quorum is the whole rule (a flex service's slots are counted by the orchestrator). */
  async claim(): Promise<boolean> {
    const m = this.membership();
    return m.ready && m.quorum.quorum;
  }

  async release(): Promise<void> {}

  peers(): Record<string, PeerState> {
    const now = this.tick();
    const alive = aliveNodes(this.self, this.heard, now, this.hb.timeoutMs);
    return Object.fromEntries(
      this.cluster.nodes
        .filter((n) => n !== this.self)
        .map((n) => {
          const h = this.heard.get(n);
          const offset = this.offsets.get(n);
          return [n, { alive: alive.includes(n), lastHeardMs: h ? Math.round(now - h.at) : null, ...(offset !== undefined ? { clockOffsetMs: Math.round(offset) } : {}), ...(alive.includes(n) ? {} : { reason: lostReason(h, now, this.hb.timeoutMs) }) }];
        }),
    );
  }

  details(): Record<string, unknown> {
    const now = this.now();
    const a = this.arbitrator(now);
    return { boot: this.boot, counters: this.counters, arbitrator: a ?? null, takeoverMs: this.takeoverMs };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.splice(0)) clearInterval(t);
    await Promise.all(this.links.map((l) => l.close()));
    await new Promise<void>((resolve) => (this.viewServer ? this.viewServer.close(() => resolve()) : resolve()));
  }

  /**
   * Reads the clock, and treats a silence of the event loop longer than an
   * interval as a pause: nothing is decided for one timeout after it, while
   * fresh heartbeats replace what was heard before (kept meanwhile: old
   * echoes prove nothing, old silences are shorter than the real ones).
   */
  private tick(): number {
    const now = this.now();
    const gap = now - this.lastTick;
    if (this.lastTick > -Infinity && gap > Math.max(this.hb.intervalMs, 4 * TICK_MS)) {
      this.startedAt = now;
      this.log(`clock gap of ${(gap / 1000).toFixed(1)} s (the agent was paused or starved): deciding nothing for ${this.hb.timeoutMs / 1000} s`);
    }
    this.lastTick = now;
    return now;
  }

  private own(now: number): NodeView {
    return { ...this.last, up: Math.round(now - this.startedAt), peers: Object.fromEntries([...this.heard].map(([n, h]) => [n, [Math.round(now - h.at), h.seq]])) };
  }

  private arbitrator(now: number) {
    if (!this.cluster.arbitrators.length) return undefined;
    const reachable = this.arb !== undefined && now - this.arb.at < this.hb.timeoutMs;
    return { reachable, seen: reachable ? Object.entries(this.arb!.seen).filter(([, age]) => age < this.hb.timeoutMs).map(([n]) => n) : [] };
  }

  /** Logs peers lost and back, each with the reason. */
  private tellChanges(alive: string[], now: number): void {
    for (const n of this.wasAlive) if (!alive.includes(n)) this.log(`peer ${n} lost: ${lostReason(this.heard.get(n), now, this.hb.timeoutMs)}`);
    for (const n of alive) if (n !== this.self && !this.wasAlive.has(n)) this.log(`peer ${n} alive`);
    this.wasAlive = new Set(alive.filter((n) => n !== this.self));
  }

  private receive(buf: Buffer): void {
    const now = this.tick();
    this.counters.received++;
    const r = decodeHeartbeat(buf, { secret: this.cluster.secret, cluster: this.cluster.name, nodes: this.cluster.nodes, self: this.self, now: Date.now(), windowMs: Math.max(10_000, 3 * this.hb.timeoutMs) }, this.guard);
    if (typeof r === 'string') {
      this.counters.rejected[r]++;
      this.tellRefused(buf, r);
      return;
    }
    this.counters.accepted++;
    this.offsets.set(r.node, r.ts - Date.now());
    const previous = this.heard.get(r.node);
    let view = r.view;
    let pending = false;
    if (r.digest) {
      const known = this.peerServices.get(r.node);
      pending = known?.digest !== r.digest;
      // Until the new services arrive, the previous ones stand in, and the node starts nothing (not settled).
      view = { ...r.view, services: known?.digest === r.digest ? known.services : (previous?.view.services ?? {}) };
      if (pending) {
        this.wanted.set(r.node, r.digest);
        void this.fetch(r.node);
      } else this.wanted.delete(r.node);
    } else this.wanted.delete(r.node);
    this.heard.set(r.node, { ...heardNow(this.self, previous, now, r.seq, view, (seq) => this.sent.get(seq)), ...(pending ? { pending } : {}) });
    this.onChange();
  }

  /** Fetches a peer's services announced by digest, one fetch per peer at a time. */
  private async fetch(node: string): Promise<void> {
    const digest = this.wanted.get(node);
    if (digest === undefined || this.fetching.has(node) || this.closed) return;
    this.fetching.add(node);
    try {
      const services = await fetchView({ host: this.hb.addresses[node]!, port: this.hb.port, cluster: this.cluster.name, node: this.self, secret: this.cluster.secret, digest, timeoutMs: 2 * this.hb.intervalMs });
      if (!services) return this.tell(`fetch ${node}`, `the services of ${node} (announced by digest) could not be fetched from ${this.hb.addresses[node]}:${this.hb.port}: its view is kept as it was`);
      this.peerServices.set(node, { digest, services });
      const h = this.heard.get(node);
      if (h?.pending && this.wanted.get(node) === digest) {
        this.wanted.delete(node);
        this.heard.set(node, { at: h.at, seq: h.seq, view: { ...h.view, services }, ...(h.echo !== undefined ? { echo: h.echo } : {}) });
        this.onChange();
      }
    } finally {
      this.fetching.delete(node);
    }
    // A newer digest announced meanwhile: fetch that one.
    if (this.wanted.has(node) && this.wanted.get(node) !== digest) void this.fetch(node);
  }

  /** Tells `line` once a minute at most per `key`. */
  private tell(key: string, line: string): void {
    const now = this.now();
    if (now - (this.told.get(key) ?? -Infinity) < 60_000) return;
    this.told.set(key, now);
    this.log(line);
  }

  /** A peer whose heartbeats are refused is lost without a word otherwise: say why, once a minute. */
  private tellRefused(buf: Buffer, reason: RejectReason): void {
    if (reason === 'duplicate' || reason === 'replay') return;
    let from = '?';
    let ts: number | undefined;
    try {
      const m = JSON.parse(buf.subarray(36).toString('utf8')) as { node?: unknown; ts?: unknown };
      if (typeof m.node === 'string') from = m.node.slice(0, 64).replace(/[^\w.-]/g, '?');
      if (typeof m.ts === 'number') ts = m.ts;
    } catch {
      // Unreadable: told as from '?'.
    }
    const why = reason === 'stale' && ts !== undefined ? `its clock is ${((ts - Date.now()) / 1000).toFixed(1)} s off this node's (the window is ${Math.max(10, (3 * this.hb.timeoutMs) / 1000)} s): synchronize the clocks (NTP)` : reason;
    this.tell(`${from}|${reason}`, `heartbeats from ${from} refused: ${why}`);
  }

  /** Says hello to the first arbitrator; its answer counts, from the moment the hello left, until it is older than the timeout. */
  private async askArbitrator(): Promise<void> {
    const a = this.cluster.arbitrators[0]!;
    const at = this.now();
    const seen = await askArbitrator({ host: a.host, port: a.port, cluster: this.cluster.name, node: this.self, secret: this.cluster.secret, timeoutMs: this.hb.intervalMs });
    if (seen) this.arb = { at, seen, steadySince: this.arb && at - this.arb.at < this.hb.timeoutMs ? this.arb.steadySince : at };
  }
}
