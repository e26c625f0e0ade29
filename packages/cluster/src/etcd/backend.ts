// The cluster backend on etcd, for pools too large for heartbeats: each
// node holds a lease (TTL from the heartbeat timeout) and publishes, under
// it, a presence key and one key per service instance (a view is never
// size-bound); a node is lost when its lease expires. Membership follows a
// watch on the cluster's prefix, never polling. A failover service's
// placement is a claim key created in a transaction bound to the
// claimant's lease, so at most one node holds it at a time, and a node that
// dies gives it back when its lease expires. Quorum is etcd's: a node has
// it while its lease is renewed (renewal.ts: by every member at once).
//
// Keys under the prefix (`/capsule/CLUSTER/` by default):
//   cluster                 {"name"}: refused when another cluster's
//   nodes/NODE              {"boot","since"}, under NODE's lease
//   views/NODE              {"frozen"}, under NODE's lease
//   views/NODE/svc/SERVICE  the instance view (view.ts), under NODE's lease
//   claims/SERVICE          NODE, under NODE's lease
import { CapsuleError } from '@capsule/core';
import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, noop } from 'cockatiel';
import { Etcd3, isRecoverableError, Range, type IKeyValue, type IOptions, type Watcher } from 'etcd3';
import { randomBytes } from 'node:crypto';
import type { ClusterBackend, Membership, PeerState, PublishedView } from '../backend.js';
import type { ClusterConfig } from '../config.js';
import { monotonicMs } from '../hb/backend.js';
import { InstanceView, type NodeView } from '../view.js';
import { LeaseRenewal, type KeepAlive } from './renewal.js';

export interface EtcdBackendOptions {
  /** Client URLs (`https://host:2379`). */
  endpoints: string[];
  /** Keys live under it; default `/capsule/CLUSTER/`. */
  prefix?: string;
  /** Lease TTL, ms (rounded up to whole seconds, etcd's unit); the heartbeat timeout. */
  ttlMs: number;
  /** PEM contents of the CA, the client certificate and key (mutual TLS). */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
  log?: (line: string) => void;
  /** Monotonic clock, ms; injectable for tests. */
  now?: () => number;
  /** How long start() waits for etcd to answer before EtcdUnreachable; default: as long as it takes (said in the log). */
  startTimeoutMs?: number;
  /** Keys read per page of the snapshot at start (default 1000); small in tests, to page through few keys. */
  pageSize?: number;
}

interface Peer {
  boot: string;
  /** Its node-level view key is seen: published at least once, its instances with it. */
  viewed: boolean;
  /** When this node learned of the peer's presence key (monotonic ms). */
  seenAt: number;
  frozen: boolean;
  services: Record<string, InstanceView>;
}

const text = (b: Buffer | string | undefined) => (b === undefined ? '' : b.toString());

export class EtcdBackend implements ClusterBackend {
  readonly boot = randomBytes(8).toString('hex');
  private readonly prefix: string;
  private readonly ttlS: number;
  private readonly now: () => number;
  private readonly client: Etcd3;
  /** One client per endpoint, for the renewals alone. */
  private readonly keepers: Etcd3[] = [];
  private readonly renewal: LeaseRenewal;
  private leaseId?: string;
  /** Services this node holds a claim on (made, or adopted under a new lease): release() asks etcd only for these. */
  private readonly claimed = new Set<string>();
  /** Releases under way, and when a failed one may be tried again (monotonic ms). */
  private readonly releasing = new Set<string>();
  private readonly releaseRetryAt = new Map<string, number>();
  /** The revision of this node's presence key under the current lease: a deletion seen later is this lease's end. */
  private presenceRev = 0n;
  private watcher?: Watcher;
  private readonly peers_ = new Map<string, Peer>();
  /** When each configured node was last known present (monotonic ms), for silentMs. */
  private readonly lastPresent = new Map<string, number>();
  private startedAt = Infinity;
  private synced = false;
  private lastRenew = -Infinity;
  private leaseLost = false;
  private revision = '0';
  private published = new Map<string, string>();
  private onChange: () => void = () => undefined;
  /** Publish rounds (the daemon's intervals), as `counters.sent` for tools that wait on the agent's progress. */
  private rounds = 0;
  private closed = false;
  private publishFailing = false;
  /** Keys that did not parse: told once each. */
  private readonly garbage = new Set<string>();

  constructor(
    private readonly cluster: ClusterConfig,
    private readonly self: string,
    private readonly o: EtcdBackendOptions,
  ) {
    this.prefix = o.prefix ?? `/capsule/${cluster.name}/`;
    this.ttlS = Math.max(2, Math.ceil(o.ttlMs / 1000));
    this.now = o.now ?? monotonicMs;
    const renewMs = Math.max(200, Math.round((this.ttlS * 1000) / 3));
    const common: Omit<IOptions, 'hosts'> = {
      dialTimeout: 3000,
      ...(o.tls ? { credentials: { rootCertificate: o.tls.ca, ...(o.tls.cert ? { certChain: o.tls.cert } : {}), ...(o.tls.key ? { privateKey: o.tls.key } : {}) } } : {}),
      // Back within a renewal period of etcd answering again: gRPC's reconnect backoff grows to two minutes by default.
      // Keepalive pings end a connection to a member that hangs (its streams, the watch's included, then move to
      // another member) within 13 s; etcd refuses pings more often than every 5 s.
      grpcOptions: { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': renewMs, 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 3000 },
    };
    this.client = new Etcd3({
      ...common,
      hosts: o.endpoints,
      // Unary calls never hang the daemon: a dead endpoint is an error within the TTL.
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + Math.max(1000, renewMs) }),
      // The client's breaker shuts a host for five seconds and its watch backoff grows to thirty: a node healed must not wait that long.
      faultHandling: {
        host: () => circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: renewMs, breaker: new ConsecutiveBreaker(3) }),
        watchBackoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: renewMs }).next(),
      },
    });
    this.renewal = new LeaseRenewal({
      endpoints: o.endpoints.map((e) => this.keeper(e, common)),
      periodMs: renewMs,
      now: this.now,
      // A renewal counts from when it was sent, not answered: etcd renewed the lease after that moment, so
      // lastRenew + TTL is never later than etcd's own expiry (the self-fencing rule's margin rests on it).
      onRenewed: (sentAt) => (this.lastRenew = Math.max(this.lastRenew, sentAt)),
      onExpired: () => this.leaseGone('etcd says it has expired'),
    });
  }

  /** One endpoint's keep-alive: a stream of one request and its answer, given up at the deadline; no retry (the next period is one). */
  private keeper(endpoint: string, common: Omit<IOptions, 'hosts'>): KeepAlive {
    const c = new Etcd3({ ...common, hosts: [endpoint], faultHandling: { host: () => noop, global: noop } });
    this.keepers.push(c);
    return {
      endpoint,
      keepAlive: async (id, ms) => {
        const stream = await c.leaseClient.leaseKeepAlive({ deadline: new Date(Date.now() + ms) });
        return new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms + 100);
          stream.on('data', (r: { TTL: string }) => {
            clearTimeout(timer);
            resolve(Number(r.TTL));
            stream.end();
          });
          stream.on('error', (e: Error) => {
            clearTimeout(timer);
            reject(e);
          });
          stream.write({ ID: id });
        });
      },
    };
  }

  private key(...parts: string[]): string {
    return this.prefix + parts.join('/');
  }

  /**
   * Joins once etcd answers: while no endpoint does (or etcd has no quorum),
   * says so once and tries again, backing off to a renewal period, until
   * `startTimeoutMs` (then EtcdUnreachable). Another cluster's data is
   * refused at once; close() ends the wait.
   */
  async start(onChange?: () => void): Promise<void> {
    if (onChange) this.onChange = onChange;
    const until = this.now() + (this.o.startTimeoutMs ?? Infinity);
    // The whole join is retried, not its first call alone: under load any of its calls can miss its deadline
    // (seen with hundreds of nodes joining at once, bench/etcd-scale.mjs), and one miss must not end the daemon.
    for (let delay = 100, told = false; ; delay = Math.min(delay * 2, (this.ttlS * 1000) / 3)) {
      if (this.closed) throw new CapsuleError('EtcdUnreachable', 'etcd: the backend was closed before etcd answered', { hint: 'start the agent again once etcd answers' });
      try {
        await this.join();
        break;
      } catch (e) {
        if (e instanceof CapsuleError) throw e;
        const why = `cannot join through etcd (${this.o.endpoints.join(', ')}): ${(e as Error).message}`;
        if (this.now() + delay > until) {
          throw new CapsuleError('EtcdUnreachable', `etcd: ${why}`, { hint: 'check [cluster] etcd_endpoints and that a majority of the etcd members runs and is reachable from this node (etcdctl endpoint health)' });
        }
        if (!told) this.o.log?.(`etcd: ${why}; trying again until it can`);
        told = true;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** The cluster checked, a lease with this node's presence, its old claims adopted, the snapshot read, the watch from its revision. */
  private async join(): Promise<void> {
    await this.checkCluster();
    await this.grantLease();
    await this.adoptClaims();
    // Watch first, from the revision of the snapshot: nothing between the two is missed.
    const snap = await this.snapshot();
    this.revision = snap.revision;
    // A join tried again starts from this snapshot alone: a peer gone since an earlier try's is gone.
    this.peers_.clear();
    for (const kv of snap.kvs) this.apply('put', kv);
    this.watcher = await this.client
      .watch()
      .prefix(this.prefix)
      .startRevision(String(Number(this.revision) + 1))
      .create();
    this.watcher.on('put', (kv) => this.event('put', kv));
    this.watcher.on('delete', (kv) => this.event('delete', kv));
    // Said once a streak: while etcd has no quorum the watch reconnects several times a second.
    let cut = false;
    this.watcher.on('disconnected', () => {
      if (!cut) this.o.log?.('etcd: watch disconnected, reconnecting');
      cut = true;
    });
    this.watcher.on('connected', () => {
      if (cut) this.o.log?.('etcd: watch connected again');
      cut = false;
    });
    // An emitter's unheard 'error' would end the daemon: told, and the watch goes on reconnecting.
    this.watcher.on('error', (e) => this.o.log?.(`etcd: watch: ${e.message}`));
    this.startedAt = this.now();
    this.synced = true;
    this.onChange();
  }

  /**
   * Every key under the prefix at one revision, read a page at a time: one
   * range of a large cluster's prefix (some 15,000 instances) passes gRPC's
   * 4 MiB answer limit, and a node could not start at all.
   */
  private async snapshot(): Promise<{ revision: string; kvs: IKeyValue[] }> {
    const end = Range.prefix(this.prefix).end;
    const kvs: IKeyValue[] = [];
    let from = Buffer.from(this.prefix);
    let revision: string | undefined;
    for (;;) {
      const q = this.client.getAll().inRange(new Range(from, end)).sort('Key', 'Ascend').limit(this.o.pageSize ?? 1000);
      const r = await (revision === undefined ? q : q.revision(revision)).exec();
      revision ??= r.header.revision;
      kvs.push(...r.kvs);
      if (!r.more || !r.kvs.length) return { revision, kvs };
      from = Buffer.concat([r.kvs.at(-1)!.key, Buffer.from([0])]);
    }
  }

  /** A lease, and this node's presence under it; what was published under a lost lease is published again. */
  private async grantLease(): Promise<void> {
    const asked = this.now();
    const g = await this.client.leaseClient.leaseGrant({ TTL: this.ttlS, ID: 0 });
    if (g.error) throw new Error(`etcd refused a lease: ${g.error}`);
    const put = await this.client.put(this.key('nodes', this.self)).value(JSON.stringify({ boot: this.boot })).lease(g.ID).exec();
    this.presenceRev = BigInt(put.header.revision);
    this.leaseId = g.ID;
    this.leaseLost = false;
    // Claims went with a lost lease; adoptClaims() counts again those an earlier lease of this node still held.
    this.claimed.clear();
    this.releaseRetryAt.clear();
    this.lastRenew = asked;
    this.published = new Map();
    this.renewal.start(g.ID);
  }

  /** The lease is gone at etcd: no quorum until a new one is granted. */
  private leaseGone(why: string): void {
    if (this.leaseLost || this.closed) return;
    this.leaseLost = true;
    this.renewal.stop();
    this.o.log?.(`etcd: lease lost (${why}): no quorum until a new one is granted`);
    this.onChange();
    void this.regrant();
  }

  /** Claims this node made under a previous lease (an agent restarted, a lease lost): bound to the new one, so they stand while it does. */
  private async adoptClaims(): Promise<void> {
    const id = this.leaseId;
    if (!id) return;
    const claims = await this.client.getAll().prefix(this.key('claims', '')).exec();
    for (const kv of claims.kvs) {
      if (text(kv.value) !== this.self) continue;
      const k = text(kv.key);
      const r = await this.client.if(k, 'Value', '==', this.self).then(this.client.put(k).value(this.self).lease(id)).commit();
      if (r.succeeded) this.claimed.add(k.slice(this.key('claims', '').length).split('/')[0]!);
    }
  }

  /** After a lost lease: a new one as soon as etcd grants it, backing off up to a TTL between tries. */
  private async regrant(): Promise<void> {
    for (let delay = 100; !this.closed; delay = Math.min(delay * 2, this.ttlS * 1000)) {
      try {
        await this.grantLease();
        await this.adoptClaims();
        this.o.log?.('etcd: lease granted again');
        this.onChange();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /**
   * Whether a backend with these settings could join now, without joining:
   * etcd answers within `timeoutMs` and the prefix is this cluster's or
   * nobody's. A reload asks this before it gives up the running backend.
   */
  static async probe(cluster: ClusterConfig, o: Pick<EtcdBackendOptions, 'endpoints' | 'prefix' | 'tls'>, timeoutMs = 3000): Promise<void> {
    const prefix = o.prefix ?? `/capsule/${cluster.name}/`;
    const client = new Etcd3({
      hosts: o.endpoints,
      dialTimeout: timeoutMs,
      ...(o.tls ? { credentials: { rootCertificate: o.tls.ca, ...(o.tls.cert ? { certChain: o.tls.cert } : {}), ...(o.tls.key ? { privateKey: o.tls.key } : {}) } } : {}),
      defaultCallOptions: () => ({ deadline: Date.now() + timeoutMs }),
    });
    try {
      let found: string | null;
      try {
        found = await client.get(`${prefix}cluster`).string();
      } catch (e) {
        throw new CapsuleError('EtcdUnreachable', `etcd: no etcd endpoint answers (${o.endpoints.join(', ')}): ${(e as Error).message}`, {
          hint: 'check [cluster] etcd_endpoints and that a majority of the etcd members runs and is reachable from this node (etcdctl endpoint health)',
        });
      }
      if (found !== null && found !== JSON.stringify({ name: cluster.name })) {
        throw new CapsuleError('EtcdForeignData', `etcd: ${prefix} holds another cluster's data (${found.slice(0, 80)})`, { hint: `set [cluster] etcd_prefix to a prefix of this cluster's own` });
      }
    } finally {
      client.close();
    }
  }

  /** The prefix belongs to this cluster, or to nobody yet (claimed for it); another cluster's data is refused. */
  private async checkCluster(): Promise<void> {
    const k = this.key('cluster');
    const mine = JSON.stringify({ name: this.cluster.name });
    const r = await this.client.if(k, 'Create', '==', 0).then(this.client.put(k).value(mine)).else(this.client.get(k)).commit();
    if (r.succeeded) return;
    const found = text(r.responses[0]?.response_range?.kvs[0]?.value);
    if (found !== mine) {
      throw new CapsuleError('EtcdForeignData', `etcd: ${this.prefix} holds another cluster's data (${found.slice(0, 80)})`, {
        hint: `set [cluster] etcd_prefix to a prefix of this cluster's own, or clean ${this.prefix} with etcdctl if that cluster is gone`,
      });
    }
  }

  private event(kind: 'put' | 'delete', kv: IKeyValue): void {
    this.revision = kv.mod_revision;
    this.apply(kind, kv);
    this.onChange();
  }

  /** One key's change into the peers' state; a key that does not parse is ignored and reported once. */
  private apply(kind: 'put' | 'delete', kv: IKeyValue): void {
    const k = text(kv.key).slice(this.prefix.length);
    const parts = k.split('/');
    const [kindOf, node] = parts;
    if (!node || !this.cluster.nodes.includes(node)) return;
    const peer = () => {
      let p = this.peers_.get(node);
      if (!p) this.peers_.set(node, (p = { boot: '', viewed: false, seenAt: this.now(), frozen: false, services: {} }));
      return p;
    };
    try {
      if (kindOf === 'nodes' && parts.length === 2) {
        // This node's presence gone while its lease is thought alive: revoked (an operator, or an old etcd leader
        // resuming from a pause: etcd issues 12528 and 15247) or expired; no quorum from this moment, not the next renewal.
        if (kind === 'delete' && node === this.self && BigInt(kv.mod_revision) > this.presenceRev) this.leaseGone('its presence key was deleted');
        if (kind === 'delete') {
          this.peers_.delete(node);
          this.lastPresent.set(node, this.now());
          return;
        }
        const v = JSON.parse(text(kv.value)) as { boot?: unknown };
        const p = peer();
        if (p.boot !== v.boot) Object.assign(p, { boot: String(v.boot), seenAt: this.now() });
        this.lastPresent.set(node, this.now());
      } else if (kindOf === 'views' && parts.length === 2) {
        if (kind === 'put') Object.assign(peer(), { frozen: (JSON.parse(text(kv.value)) as { frozen?: unknown }).frozen === true, viewed: true });
      } else if (kindOf === 'views' && parts.length === 4 && parts[2] === 'svc') {
        const name = parts[3]!;
        if (kind === 'delete') delete this.peers_.get(node)?.services[name];
        else peer().services[name] = InstanceView.parse(JSON.parse(text(kv.value)));
      }
    } catch (e) {
      if (!this.garbage.has(k)) {
        this.garbage.add(k);
        this.o.log?.(`etcd: ${this.prefix}${k} is not a valid capsule key, ignored: ${(e as Error).message}`);
      }
    }
  }

  /**
   * Writes what changed of this node's view since the last publish (an
   * unchanged view costs nothing). Never rejects: etcd out of reach is the
   * quorum's business (the lease is not renewed either); said once a streak.
   */
  async publish(view: PublishedView): Promise<void> {
    try {
      await this.write(view);
      if (this.publishFailing) this.o.log?.('etcd: publishing again');
      this.publishFailing = false;
    } catch (e) {
      if (!this.publishFailing) this.o.log?.(`etcd: cannot publish this node's view: ${(e as Error).message}`);
      this.publishFailing = true;
    }
  }

  private async write(view: PublishedView): Promise<void> {
    const id = this.leaseId;
    if (!id || this.leaseLost || this.closed) return;
    this.rounds++;
    const want = new Map<string, string>([[this.key('views', this.self), JSON.stringify({ frozen: view.frozen })]]);
    for (const [name, inst] of Object.entries(view.services)) want.set(this.key('views', this.self, 'svc', name), JSON.stringify(inst));
    const ops = [
      ...[...this.published.keys()].filter((k) => !want.has(k)).map((k) => this.client.delete().key(k)),
      // The node-level key last: a peer counts this node alive once it is seen, instances and all.
      ...[...want].filter(([k, v]) => this.published.get(k) !== v).reverse().map(([k, v]) => this.client.put(k).value(v).lease(id)),
    ];
    // Transactions of at most 100 operations (etcd's default limit is 128), each atomic for the watchers, and only
    // while this node's presence key stands (its lease lives): a view never outlives its node.
    for (let i = 0; i < ops.length; i += 100) {
      const r = await this.client.if(this.key('nodes', this.self), 'Create', '>', 0).then(...ops.slice(i, i + 100)).commit();
      if (!r.succeeded) return;
    }
    this.published = want;
  }

  /** How long after its last renewal (as sent) the lease still counts: two renewal periods (TTL/3 each), a third left to stop. */
  private get holdMs(): number {
    return (this.ttlS * 1000 * 2) / 3;
  }

  /** Quorum is holding a lease that etcd (a majority of its members) renewed within two renewal periods. */
  private quorumNow(): { quorum: boolean; reason: string } {
    if (!this.leaseId || this.leaseLost) return { quorum: false, reason: 'no etcd lease' };
    const age = this.now() - this.lastRenew;
    if (age > this.holdMs) return { quorum: false, reason: `etcd lease not renewed for ${(age / 1000).toFixed(1)} s` };
    return { quorum: true, reason: `etcd lease renewed ${(age / 1000).toFixed(1)} s ago` };
  }

  membership(): Membership {
    const now = this.now();
    const q = this.quorumNow();
    const present = this.cluster.nodes.filter((n) => this.peers_.get(n)?.viewed === true);
    // Cut off from etcd, a node knows nothing of the others: its partition is itself.
    const alive = q.quorum ? present : [this.self];
    const views: Record<string, NodeView> = {};
    for (const n of alive) {
      const p = this.peers_.get(n);
      views[n] = { frozen: p?.frozen ?? false, up: Math.max(0, now - (p?.seenAt ?? now)), peers: {}, services: { ...p?.services } };
    }
    const silentMs: Record<string, number> = {};
    const lastWordMs: Record<string, number> = {};
    for (const n of this.cluster.nodes.filter((x) => !alive.includes(x))) {
      const last = this.lastPresent.get(n);
      silentMs[n] = now - (last ?? Math.min(this.startedAt, now));
      lastWordMs[n] = last === undefined ? Infinity : now - last;
    }
    return {
      alive,
      quorum: q,
      views,
      // Ready is about having read the cluster once: a node that loses quorum later must still decide (to fence itself).
      ready: this.synced,
      silentMs,
      lastWordMs,
      // A lost node's key went with its lease, at its expiry (a whole TTL without renewal) or earlier if the lease
      // was revoked; either way its quorum ended by 2/3 of a TTL after its last renewal, which precedes the key's
      // deletion, so a whole TTL more leaves a third of it to stop (docs/architecture.md, "The etcd backend").
      takeoverMs: this.ttlS * 1000,
      settled: this.synced,
      leaseUntil: this.lastRenew + this.holdMs,
    };
  }

  /** The claim keys of a service: one for a failover service (`claims/SERVICE`), one per slot for a flex one (`claims/SERVICE/N`). */
  private claimKeys(service: string, slots: number): string[] {
    return slots > 1 ? Array.from({ length: slots }, (_, i) => this.key('claims', service, String(i))) : [this.key('claims', service)];
  }

  /**
   * A transaction bound to this node's lease per slot, in order: a slot is
   * created if absent, or is this node's already; all taken by others, no.
   */
  async claim(service: string, slots = 1): Promise<boolean> {
    const id = this.leaseId;
    if (!id || !this.synced || !this.quorumNow().quorum) return false;
    try {
      for (const k of this.claimKeys(service, slots)) {
        const r = await this.client.if(k, 'Create', '==', 0).then(this.client.put(k).value(this.self).lease(id)).else(this.client.get(k)).commit();
        if (r.succeeded || text(r.responses[0]?.response_range?.kvs[0]?.value) === this.self) {
          this.claimed.add(service);
          return true;
        }
      }
      return false;
    } catch (e) {
      this.o.log?.(`etcd: claim of ${service} failed: ${(e as Error).message}`);
      return false;
    }
  }

  /**
   * Never rejects. Every slot this node holds is given back; none held,
   * nothing asked. A release etcd cannot take now (no quorum, out of reach)
   * is kept and tried again at the next call after a renewal period: a
   * claim left in etcd while this node's lease lives would keep every other
   * node from starting the service.
   */
  async release(service: string): Promise<void> {
    if (!this.claimed.has(service) || this.releasing.has(service) || (this.releaseRetryAt.get(service) ?? 0) > this.now()) return;
    this.releasing.add(service);
    try {
      const mine = [this.key('claims', service), ...(await this.client.getAll().prefix(this.key('claims', service, '')).keys())];
      for (const k of mine) await this.client.if(k, 'Value', '==', this.self).then(this.client.delete().key(k)).commit();
      this.claimed.delete(service);
      this.releaseRetryAt.delete(service);
    } catch (e) {
      if (!this.releaseRetryAt.has(service)) this.o.log?.(`etcd: release of ${service} failed (${(e as Error).message}): trying again until etcd takes it`);
      this.releaseRetryAt.set(service, this.now() + (this.ttlS * 1000) / 3);
    } finally {
      this.releasing.delete(service);
    }
  }

  peers(): Record<string, PeerState> {
    const now = this.now();
    const q = this.quorumNow();
    const out: Record<string, PeerState> = {};
    for (const n of this.cluster.nodes.filter((x) => x !== this.self)) {
      const alive = q.quorum && this.peers_.get(n)?.viewed === true;
      const last = this.lastPresent.get(n);
      out[n] = { alive, lastHeardMs: alive ? 0 : last === undefined ? null : now - last, ...(alive ? {} : { reason: q.quorum ? 'no lease in etcd' : q.reason }) };
    }
    return out;
  }

  details(): Record<string, unknown> {
    const q = this.quorumNow();
    return {
      backend: 'etcd',
      endpoints: this.o.endpoints,
      prefix: this.prefix,
      leaseTtlS: this.ttlS,
      endpointHealth: Object.fromEntries([...this.renewal.health].map(([e, h]) => [e, h.ok ? 'ok' : (h.error ?? 'not asked yet')])),
      leaseRemainingMs: this.leaseId && !this.leaseLost ? Math.max(0, Math.round(this.lastRenew + this.ttlS * 1000 - this.now())) : 0,
      revision: Number(this.revision),
      quorum: q.reason,
      counters: { sent: this.rounds },
    };
  }

  /**
   * Stops renewing without revoking: the daemon stops, the services it holds
   * run on, so its claims must stand until the lease expires (a TTL), by
   * when a restarted agent has bound them to its new lease, or the watchdog
   * has stopped them (leaseUntil).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.renewal.stop();
    await this.watcher?.cancel().catch(() => undefined);
    this.client.close();
    for (const k of this.keepers) k.close();
  }
}
