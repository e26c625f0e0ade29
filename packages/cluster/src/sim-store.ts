// The etcd backend as the simulator models it (etcd/backend.ts is the real
// one): a store in virtual time holding, per node, one lease with its
// presence and view, and the claims bound to that lease. A lease not
// renewed for its TTL expires, and its view and claims go with it; a lease
// can also be revoked early (an operator, an old leader resuming). While
// the store has no quorum nothing is renewed, granted, claimed or expired,
// and when it comes back every lease is extended by a TTL (a new leader
// promotes them). A node granted a new lease (its agent restarted) keeps
// the claims its old one still held, as adoptClaims does.
import type { NodeView } from './view.js';

interface StoreLease {
  id: number;
  expiresAt: number;
}

export class SimStore {
  up = true;
  private readonly leases = new Map<string, StoreLease>();
  private readonly views = new Map<string, NodeView>();
  /** Claim key (`web`, or `api/0` for a flex slot) -> holder. */
  private readonly claims = new Map<string, string>();
  private nextId = 1;

  constructor(private readonly ttlMs: number) {}

  /** A keep-alive of `lease`: true when renewed; false when that lease is gone (etcd answers TTL 0), or the store is down. */
  renew(node: string, lease: number | undefined, now: number): boolean {
    const l = this.leases.get(node);
    if (!this.up || lease === undefined || l?.id !== lease) return false;
    l.expiresAt = now + this.ttlMs;
    return true;
  }

  /** Whether etcd would answer that `lease` no longer exists (not merely unreachable). */
  gone(node: string, lease: number | undefined): boolean {
    return this.up && lease !== undefined && this.leases.get(node)?.id !== lease;
  }

  /** A new lease and the node's presence under it; its claims still held move to it. Undefined while the store is down. */
  grant(node: string, now: number): number | undefined {
    if (!this.up) return undefined;
    const id = this.nextId++;
    this.leases.set(node, { id, expiresAt: now + this.ttlMs });
    return id;
  }

  publish(node: string, lease: number | undefined, view: NodeView): void {
    if (this.up && lease !== undefined && this.leases.get(node)?.id === lease) this.views.set(node, view);
  }

  /** Leases past their TTL end; the nodes whose presence went with them. */
  expire(now: number): string[] {
    if (!this.up) return [];
    const ended = [...this.leases].filter(([, l]) => l.expiresAt <= now).map(([n]) => n);
    for (const n of ended) this.end(n);
    return ended;
  }

  /** The node's lease revoked at once, whatever its TTL left. */
  revoke(node: string): void {
    if (this.up && this.leases.has(node)) this.end(node);
  }

  private end(node: string): void {
    this.leases.delete(node);
    this.views.delete(node);
    for (const [k, holder] of this.claims) if (holder === node) this.claims.delete(k);
  }

  /** etcd back with a quorum: the new leader extends every lease by a TTL. */
  recover(now: number): void {
    this.up = true;
    for (const l of this.leases.values()) l.expiresAt = Math.max(l.expiresAt, now + this.ttlMs);
  }

  /** Nodes present with a view, and their views. */
  present(): Map<string, NodeView> {
    return new Map([...this.views].filter(([n]) => this.leases.has(n)));
  }

  /** One claim per slot, created if free or already this node's; the store down or the lease not the node's current one: no. */
  claim(service: string, node: string, lease: number | undefined, slots: number): boolean {
    if (!this.up || lease === undefined || this.leases.get(node)?.id !== lease) return false;
    const keys = slots > 1 ? Array.from({ length: slots }, (_, i) => `${service}/${i}`) : [service];
    for (const k of keys) {
      const holder = this.claims.get(k);
      if (holder === node) return true;
      if (holder === undefined) {
        this.claims.set(k, node);
        return true;
      }
    }
    return false;
  }

  release(service: string, node: string): void {
    if (!this.up) return;
    for (const [k, holder] of this.claims) if (holder === node && (k === service || k.startsWith(`${service}/`))) this.claims.delete(k);
  }
}
