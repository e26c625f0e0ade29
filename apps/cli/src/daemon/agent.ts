// The agent daemon: sends this node's view in signed heartbeats, listens to
// its peers', works out membership and quorum, runs the orchestrator on
// what it heard and carries out its decisions for this node by running
// svcmgr. Service status is computed in-process; actions run in a child so
// that a hung or crashing driver never takes the daemon with it.
import { aliveNodes, askArbitrator, replicationMaster, staleCopies, decodeHeartbeat, encodeHeartbeat, newCounters, Orchestrator, quorum, ReplayGuard, linkFor, type ClusterConfig, type Decision, type Heard, type HeartbeatLink, type InstanceView, type NodeView, type ServicePolicy } from '@capsule/cluster';
import { randomBytes, createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import type { Server } from 'node:net';
import { currentVersion, servicePaths, writeStateFile } from '@capsule/config';
import { localExec } from '@capsule/transport';
import type { CommandContext } from '../spec.js';
import { listServices } from '../commands/ls.js';
import { inspectService } from '../commands/service.js';
import { daemonPaths } from './paths.js';
import { serve, type Request } from './socket.js';

interface Local {
  policy?: ServicePolicy;
  view: InstanceView;
  busy?: 'starting' | 'stopping';
  ctx: CommandContext;
}

export interface AgentOptions {
  ctx: CommandContext;
  cluster: ClusterConfig;
  /** The svcmgr entry point the daemon runs actions with. */
  svcmgr: string;
  statusIntervalMs?: number;
  log(line: string): void;
}

const AVAIL: Record<string, InstanceView['avail']> = { up: 'up', warn: 'warn', down: 'down', 'n/a': 'n/a' };

export class Agent {
  private readonly boot = randomBytes(8).toString('hex');
  private seq = 0;
  private readonly startedAt = Date.now();
  private readonly heard = new Map<string, Heard>();
  private readonly guard = new ReplayGuard();
  readonly counters = newCounters();
  private readonly orchestrator = new Orchestrator();
  private readonly local = new Map<string, Local>();
  private links: HeartbeatLink[] = [];
  private server?: Server;
  private timers: NodeJS.Timeout[] = [];
  private lastQuorum?: boolean;
  /** The arbitrator's last answer: when, and whom it heard. */
  private arb?: { at: number; seen: string[] };
  /** Config pushes under way or done, by service: what was pushed (checksum and peers) and when. */
  private readonly pushes = new Map<string, { key: string; at: number; running: boolean }>();
  private refreshing?: Promise<void>;
  private stopped?: () => void;
  private readonly paths;
  private readonly hb;

  constructor(private readonly o: AgentOptions) {
    this.paths = daemonPaths(o.ctx.root);
    this.hb = o.cluster.hbs[0]!;
  }

  private get self(): string {
    return this.o.ctx.nodename;
  }

  /** Resolves when the daemon is asked to stop (socket or signal) and has stopped. */
  async run(): Promise<void> {
    await this.refreshAll();
    this.links = this.o.cluster.hbs.map((hb) => linkFor(hb, this.self));
    await Promise.all(this.links.map((l) => l.start((buf) => this.receive(buf))));
    this.server = await serve(this.paths.socket, (r) => this.handle(r));
    this.o.log(`agent ${this.boot} of ${this.self} in cluster ${this.o.cluster.name} (${this.o.cluster.nodes.join(' ')}): heartbeats every ${this.hb.intervalMs} ms, timeout ${this.hb.timeoutMs} ms`);
    this.timers.push(setInterval(() => void Promise.all([this.send(), this.askArbitrator()]), this.hb.intervalMs));
    // Decisions are cheap: taken several times per interval, a lost peer is acted on soon after its timeout.
    this.timers.push(setInterval(() => this.decide(), Math.min(250, this.hb.intervalMs)));
    this.timers.push(setInterval(() => void this.refreshAll(), this.o.statusIntervalMs ?? 5000));
    await new Promise<void>((resolve) => (this.stopped = resolve));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.all(this.links.map((l) => l.close()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.stopped?.();
  }

  private receive(buf: Buffer): void {
    this.counters.received++;
    const r = decodeHeartbeat(buf, { secret: this.o.cluster.secret, cluster: this.o.cluster.name, nodes: this.o.cluster.nodes, self: this.self, now: Date.now(), windowMs: Math.max(10_000, 3 * this.hb.timeoutMs) }, this.guard);
    if (typeof r === 'string') {
      this.counters.rejected[r]++;
      return;
    }
    this.counters.accepted++;
    this.heard.set(r.node, { at: Date.now(), view: r.view });
  }

  private view(): NodeView {
    const now = Date.now();
    return {
      frozen: existsSync(this.paths.nodeFrozen),
      hears: [...this.heard].filter(([, h]) => now - h.at < this.hb.timeoutMs).map(([n]) => n),
      services: Object.fromEntries([...this.local].map(([name, l]) => [name, { ...l.view, ...(l.busy ? { avail: l.busy } : {}), ...this.moving(name) }])),
    };
  }

  /** Says hello to the first arbitrator; its answer feeds quorum() until it is older than the timeout. */
  private async askArbitrator(): Promise<void> {
    const a = this.o.cluster.arbitrators[0];
    if (!a) return;
    const seen = await askArbitrator({ host: a.host, port: a.port, cluster: this.o.cluster.name, node: this.self, secret: this.o.cluster.secret, timeoutMs: this.hb.intervalMs, recentMs: this.hb.timeoutMs });
    if (seen) this.arb = { at: Date.now(), seen };
  }

  /** A switch or migration under way here (svcmgr's `migrating` state file): published so that no daemon interferes. */
  private moving(name: string): { moving?: string } {
    try {
      const to = (JSON.parse(readFileSync(join(servicePaths(this.o.ctx.root, name).varDir, 'migrating'), 'utf8')) as { to?: unknown }).to;
      return typeof to === 'string' ? { moving: to } : {};
    } catch {
      return {};
    }
  }

  private async send(): Promise<void> {
    const buf = encodeHeartbeat({ cluster: this.o.cluster.name, node: this.self, boot: this.boot, seq: ++this.seq, ts: Date.now(), view: this.view() }, this.o.cluster.secret);
    for (const l of this.links) {
      const failed = await l.send(buf);
      this.counters.sent++;
      this.counters.sendErrors += failed;
    }
  }

  private state() {
    const now = Date.now();
    const alive = aliveNodes(this.self, this.heard, now, this.hb.timeoutMs);
    const arbitrator = this.o.cluster.arbitrators.length ? { reachable: this.arb !== undefined && now - this.arb.at < this.hb.timeoutMs, seen: this.arb?.seen ?? [] } : undefined;
    const q = quorum({ nodes: this.o.cluster.nodes, alive, ...(arbitrator ? { arbitrator } : {}) });
    return { now, alive, q, ready: now - this.startedAt >= this.hb.timeoutMs };
  }

  /** Runs the orchestrator on what was heard, and carries out its decisions for this node. */
  private decide(): void {
    const { alive, q, ready } = this.state();
    if (ready && q.quorum !== this.lastQuorum) {
      this.o.log(q.quorum ? `quorum: ${q.reason}` : `quorum lost: ${q.reason}`);
      this.lastQuorum = q.quorum;
    }
    const views: Record<string, NodeView> = { [this.self]: this.view() };
    for (const n of alive) if (n !== this.self) views[n] = this.heard.get(n)!.view;
    const services = [...this.local.values()].flatMap((l) => (l.policy ? [l.policy] : []));
    for (const d of this.orchestrator.decide({ self: this.self, ready, quorum: q.quorum, fence: this.o.cluster.fence, alive, views, services })) void this.act(d);
    if (ready) for (const l of this.local.values()) if (l.policy) this.replicate(l.policy, alive, views);
  }

  /**
   * As replication master of a service, pushes its config to the live peers
   * whose copy differs (or who have none) with `svcmgr -s SVC sync`; the
   * same push is not retried within 30 s. The outcome feeds sync#i0.
   */
  private replicate(policy: ServicePolicy, alive: string[], views: Record<string, NodeView>): void {
    const master = replicationMaster(policy, alive, views);
    const stale = master === this.self ? staleCopies(policy.name, this.self, alive, views).filter((n) => policy.nodes.includes(n)) : [];
    void writeStateFile(join(servicePaths(this.o.ctx.root, policy.name).varDir, 'replication.json'), JSON.stringify({ master: master ?? null, stale, updated: Date.now() }) + '\n').catch(() => undefined);
    if (!stale.length) return;
    const key = `${views[this.self]?.services[policy.name]?.csum}:${stale.join(',')}`;
    const last = this.pushes.get(policy.name);
    if (last && (last.running || (last.key === key && Date.now() - last.at < 30_000))) return;
    this.pushes.set(policy.name, { key, at: Date.now(), running: true });
    this.o.log(`sync ${policy.name}: ${stale.join(', ')} need update`);
    void localExec([process.execPath, this.o.svcmgr, '-s', policy.name, 'sync'], { env: { CAPSULE_ROOT: this.o.ctx.root, CAPSULE_NODENAME: this.self }, timeoutMs: 5 * 60_000 }).then((r) => {
      this.pushes.set(policy.name, { key, at: Date.now(), running: false });
      this.o.log(`sync ${policy.name}: ${r.stdout.trim().replace(/\n/g, '; ') || r.stderr.trim().split('\n').pop()}`);
    });
  }

  private async act(d: Decision): Promise<void> {
    const l = this.local.get(d.service);
    if (!l || l.busy) return;
    l.busy = d.action === 'start' ? 'starting' : 'stopping';
    this.o.log(`${d.action} ${d.service}: ${d.reason}`);
    // Tell the peers at once that this node holds the service now.
    await this.send();
    const r = await localExec([process.execPath, this.o.svcmgr, '-s', d.service, d.action], { env: { CAPSULE_ROOT: this.o.ctx.root, CAPSULE_NODENAME: this.self }, timeoutMs: 15 * 60_000 });
    if (r.code !== 0) this.o.log(`${d.action} ${d.service} failed (exit ${r.code}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
    if (d.action === 'start') l.view = { ...l.view, startFailed: r.code !== 0 };
    await this.refreshOne(d.service, l);
    l.busy = undefined;
    await this.send();
  }

  private async refreshOne(name: string, l: Local): Promise<void> {
    try {
      const { svc, status } = await inspectService(l.ctx);
      const file = servicePaths(this.o.ctx.root, name).config;
      const [text, st, version] = await Promise.all([readFile(file), stat(file), currentVersion(file, servicePaths(this.o.ctx.root, name).varDir)]);
      const avail = AVAIL[status.avail] ?? 'down';
      l.policy = { name, topology: svc.topology, orchestrate: svc.orchestrate, placement: svc.placement, nodes: svc.nodes, flexMin: svc.flex.min, flexMax: svc.flex.max, failback: svc.failback };
      l.view = { avail, overall: status.overall, frozen: status.frozen, startFailed: avail === 'up' ? false : l.view.startFailed, csum: createHash('sha256').update(text).digest('hex'), mtime: st.mtimeMs, generation: version?.generation ?? 0 };
    } catch (e) {
      // A service that cannot be read is not orchestrated, and says so once per refresh.
      l.policy = undefined;
      this.o.log(`${name}: ${(e as Error).message}`);
    }
  }

  private async refreshAll(): Promise<void> {
    this.refreshing ??= (async () => {
      const names = await listServices(this.o.ctx.root);
      for (const gone of [...this.local.keys()].filter((n) => !names.includes(n))) this.local.delete(gone);
      for (const name of names) {
        let l = this.local.get(name);
        if (!l) {
          l = { view: { avail: 'undef', overall: 'undef', frozen: false, startFailed: false, csum: '', mtime: 0, generation: 0 }, ctx: { ...this.o.ctx, options: { ...this.o.ctx.options, service: name } } };
          this.local.set(name, l);
        }
        if (!l.busy) await this.refreshOne(name, l);
      }
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async handle(r: Request): Promise<unknown> {
    switch (r.cmd) {
      case 'status': {
        const { alive, q, now } = this.state();
        const peers = Object.fromEntries(this.o.cluster.nodes.filter((n) => n !== this.self).map((n) => [n, { alive: alive.includes(n), lastHeardMs: this.heard.has(n) ? now - this.heard.get(n)!.at : null }]));
        const views: Record<string, NodeView> = { [this.self]: this.view() };
        for (const n of alive) if (n !== this.self) views[n] = this.heard.get(n)!.view;
        const arbitrator = this.o.cluster.arbitrators.length ? { reachable: this.arb !== undefined && now - this.arb.at < this.hb.timeoutMs, seen: this.arb?.seen ?? [] } : null;
        return { node: this.self, cluster: this.o.cluster.name, boot: this.boot, quorum: q, arbitrator, peers, counters: this.counters, views, policies: [...this.local.values()].flatMap((l) => (l.policy ? [l.policy] : [])) };
      }
      case 'refresh': {
        // svcmgr acted by hand: the peers learn the new state now, not at the next status round.
        const l = r.service ? this.local.get(r.service) : undefined;
        if (l && !l.busy) await this.refreshOne(r.service!, l);
        else if (!r.service) await this.refreshAll();
        await this.send();
        return { ok: true };
      }
      case 'stop':
        setImmediate(() => void this.stop());
        return { ok: true };
      default:
        return { error: 'unknown command' };
    }
  }
}
