// The agent daemon: publishes this node's view through the cluster backend
// (heartbeats today), runs the orchestrator on the membership the backend
// reports and carries out its decisions for this node by running svcmgr,
// after claiming the placement, or by fencing peers first (fencing.ts).
// Service status is computed in-process; actions run in a child so that a
// hung or crashing driver never takes the daemon with it.
import { clusterTiming, formerNodes, HeartbeatBackend, targetFields, holds, monotonicMs, own, replicationMaster, staleCopies, Orchestrator, type ClusterBackend, type ClusterConfig, type InstanceView, type Membership, type NodeView, type PublishedView, type ServiceAction, type ServicePolicy, type ListenerConfig } from '@capsule/cluster';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile, stat } from 'node:fs/promises';
import type { Server } from 'node:net';
import { ACTION_LOCK, listKept, peekVersion, servicePaths, writeStateFile } from '@capsule/config';
import type { Service, ServiceRelations, ServiceStatus } from '@capsule/service';
import { localExec } from '@capsule/transport';
import { inspectService, listServices, type NodeContext } from '@capsule/runtime';
import { daemonPaths, serve, type Request } from '@capsule/runtime/daemon';
import { startBackoffMs } from './backoff.js';
import { Fencer } from './fencing.js';
import { monitorVerdict } from './monitor.js';
import { movingServices } from './moving.js';
import { Targets } from './targets.js';
import { WatchdogClient } from './watchdog.js';
import { EventBus } from './api/bus.js';
import { seenEvents, type Seen } from './api/diff.js';
import { agentHandlers, pageFiles, type AgentState } from './api/handlers.js';
import { openApiDoors, type ApiDoors } from './api/listen.js';

interface Local {
  policy?: ServicePolicy;
  view: InstanceView;
  /** Monitor restarts spent per rid since the service last ran whole here. */
  tries: Map<string, number>;
  /** When the monitor last restarted each rid (monotonic ms), for restart_delay. */
  lastRestart: Map<string, number>;
  busy?: 'starting' | 'stopping';
  /** Its placement being claimed before a start; the last claim refused. */
  claiming?: boolean;
  refused?: boolean;
  /** Starts that failed here in a row, and when this node may try again (monotonic ms). */
  failed?: { count: number; retryAt: number };
}


export interface AgentOptions {
  ctx: NodeContext;
  cluster: ClusterConfig;
  /** The command the daemon runs actions with: `[node, svcmgr.js]`, or `['svcmgr']` from PATH. */
  svcmgr: readonly string[];
  /** Where the services' log lines go besides their log files. */
  echo?: (line: string) => void;
  statusIntervalMs?: number;
  /** Heartbeats on the [hb#N] links of node.conf when not given. */
  backend?: ClusterBackend;
  /** Reads node.conf again, for `reload`. */
  loadCluster?: () => Promise<ClusterConfig>;
  /** [listener]: the API on the network too (HTTPS); the Unix socket api.sock always. */
  listener?: ListenerConfig;
  /** capsule's version, as the API's OpenAPI document says it. */
  version?: string;
  /** The command that runs the watchdog (watchdog.ts) with a bound on each stop; with `quorum = true` the agent starts it. */
  watchdogCommand?: (stopTimeoutMs: number) => string[];
  log(line: string): void;
}

const AVAIL: Record<string, InstanceView['avail']> = { up: 'up', warn: 'warn', down: 'down', 'n/a': 'n/a' };

export class Agent {
  private readonly orchestrator = new Orchestrator();
  private readonly local = new Map<string, Local>();
  // Made in run() from node.conf (the etcd backend loads its client only then), unless a test gives one.
  private backend!: ClusterBackend;
  private cluster: ClusterConfig;
  private server?: Server;
  private timers: NodeJS.Timeout[] = [];
  private lastQuorum?: boolean;
  /** Config pushes under way or done, by service: what was pushed (checksum and peers) and when. */
  private readonly pushes = new Map<string, { key: string; at: number; running: boolean }>();
  private refreshing?: Promise<void>;
  /** The last replication.json written per service: its content and when (monotonic ms). */
  private readonly recorded = new Map<string, { what: string; at: number }>();
  /** Set by stop(): run() tears down what it started, whatever step it is at. */
  private halted = false;
  private requestStop!: () => void;
  private readonly stopRequested = new Promise<void>((resolve) => (this.requestStop = resolve));
  private finished?: Promise<void>;
  private readonly paths;
  private hb;
  private watchdog?: WatchdogClient;
  /** What the last decision round read: the API serves it. */
  private lastMembership?: Membership;
  /** The daemon's own actions, numbered for their events. */
  private actions = 0;
  private readonly fencer: Fencer;
  private readonly targets: Targets;
  /** What the API's event stream tells: status changes, nodes, quorum, decisions, actions, config changes. */
  readonly bus = new EventBus();
  private seen?: Seen;
  private api?: ApiDoors;

  constructor(private readonly o: AgentOptions) {
    this.paths = daemonPaths(o.ctx.root);
    this.cluster = o.cluster;
    this.hb = clusterTiming(o.cluster);
    if (o.backend) this.backend = o.backend;
    this.targets = new Targets({ root: o.ctx.root, log: o.log });
    this.fencer = new Fencer({
      commands: () => this.cluster.stonith,
      // Fence agents talk to a BMC or a PDU: 10 to 20 s is common. A fence killed at its bound failed, and is retried.
      timeoutMs: () => Math.max(2 * this.hb.timeoutMs, 30_000),
      exec: (argv, opts) => localExec(argv, { ...opts, env: { CAPSULE_ROOT: this.o.ctx.root, CAPSULE_NODENAME: this.self, ...opts.env } }),
      log: o.log,
    });
  }

  private get self(): string {
    return this.o.ctx.nodename;
  }

  /**
   * Resolves when the daemon is asked to stop (socket or signal) and has
   * stopped. A stop asked during start-up (the first status round may take
   * a while) ends it before the next step: nothing is left listening.
   */
  run(): Promise<void> {
    this.finished ??= (async () => {
      try {
        await this.refreshAll();
        if (this.halted) return;
        this.backend ??= await makeBackend(this.cluster, this.self, this.o.log);
        await this.backend.start();
        if (this.halted) return;
        this.server = await serve(this.paths.socket, (r) => this.handle(r));
        if (this.halted) return;
        this.api = await openApiDoors(join(this.paths.runDir, 'api.sock'), this.o.listener, { handlers: agentHandlers(this.apiState(), this.bus, pageFiles(webDir())), bus: this.bus, version: this.o.version ?? '0', log: this.o.log });
        if (this.api.https) this.o.log(`API on https://${this.api.https.address}:${this.api.https.port}/`);
        if (this.halted) return;
        this.o.log(`agent of ${this.self} in cluster ${this.cluster.name} (${this.cluster.nodes.join(' ')}): ${rhythm(this.cluster)}`);
        this.startTimers();
        await this.stopRequested;
      } finally {
        for (const t of this.timers.splice(0)) clearInterval(t);
        // The watchdog keeps the last lease: if this node holds ha services, they stop when it ends, unless an agent renews it.
        this.watchdog?.close();
        await this.backend?.close();
        await this.api?.close();
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
      }
    })();
    return this.finished;
  }

  private startTimers(): void {
    this.timers.push(setInterval(() => void this.send(), this.hb.intervalMs));
    // Decisions are cheap: taken several times per interval, a lost peer is acted on soon after its timeout.
    this.timers.push(setInterval(() => this.decide(), Math.min(100, this.hb.intervalMs)));
    this.timers.push(setInterval(() => void this.refreshAll(), this.o.statusIntervalMs ?? 5000));
  }

  /**
   * node.conf read again (after `nodemgr set`): a file that does not validate
   * changes nothing; one that does replaces the backend (links, secret,
   * arbitrator) and the timers. Services keep running meanwhile.
   */
  private async reload(): Promise<{ ok: true } | { error: string }> {
    if (!this.o.loadCluster || this.o.backend) return { error: 'this daemon was not started from node.conf: restart it' };
    let next: ClusterConfig;
    try {
      next = await this.o.loadCluster();
    } catch (e) {
      return { error: (e as Error).message };
    }
    if (this.halted) return { error: 'the daemon is stopping' };
    // Settings that cannot work are refused while the running backend goes on (its timers renew the watchdog).
    const problem = await probeBackend(next);
    if (problem) return { error: problem };
    for (const t of this.timers.splice(0)) clearInterval(t);
    await this.backend?.close();
    const prev = this.cluster;
    let error: string | undefined;
    try {
      // The old backend is closed first (a heartbeat port is bound once); the new one must join within 10 s, else
      // the previous settings come back, so that a reload never leaves a node outside its cluster.
      this.backend = await makeBackend(next, this.self, this.o.log, 10_000);
      await this.backend.start();
      this.cluster = next;
    } catch (e) {
      error = (e as Error).message;
      await this.backend?.close();
      this.o.log(`reload of node.conf failed (${error}): back to the previous settings`);
      this.backend = await makeBackend(prev, this.self, this.o.log);
      await this.backend.start();
    }
    this.hb = clusterTiming(this.cluster);
    this.startTimers();
    if (!error) this.o.log(`reloaded node.conf: cluster ${next.name} (${next.nodes.join(' ')}), ${rhythm(next)}`);
    await this.send();
    return error ? { error } : { ok: true };
  }

  /** Idempotent: a terminal's Ctrl-C reaches both `nodemgr daemon run` and the agent, which gets it twice. */
  stop(): Promise<void> {
    this.halted = true;
    this.requestStop();
    return this.finished ?? Promise.resolve();
  }

  /** `deciding`: the view this node decides on, in which its own start failure lasts two intervals longer than it publishes. */
  private view(deciding = false): PublishedView {
    const grace = deciding ? 2 * this.hb.intervalMs : 0;
    return {
      frozen: existsSync(this.paths.nodeFrozen),
      services: Object.fromEntries([...this.local].map(([name, l]) => [name, { ...l.view, ...this.startFailure(l, grace), ...(l.busy ? { avail: l.busy } : {}), ...this.moving(name), ...targetFields(this.targets.read(name)) }])),
    };
  }

  /**
   * Start-failed until the backoff ends: then eligible again, so the
   * orchestrator may retry here once the cause is gone. The node publishes
   * its eligibility at once but acts on it `graceMs` later, when its peers
   * have heard it: two nodes whose backoffs end together would otherwise
   * each see the other still failed, and both lead the placement.
   */
  private startFailure(l: Local, graceMs = 0): { startFailed: boolean; retryInMs?: number } {
    const left = l.failed ? l.failed.retryAt + graceMs - monotonicMs() : 0;
    return left > 0 ? { startFailed: true, retryInMs: Math.round(left) } : { startFailed: false };
  }

  private failedHere(l: Local): void {
    const count = (l.failed?.count ?? 0) + 1;
    l.failed = { count, retryAt: monotonicMs() + startBackoffMs(count) };
  }

  /**
   * A switch or migration under way here (svcmgr's `migrating` marker):
   * published so that no daemon interferes, unless the svcmgr that wrote it
   * is gone, in which case the marker is removed (moving.ts).
   */
  private moving(name: string): { moving?: string } {
    const varDir = servicePaths(this.o.ctx.root, name).varDir;
    let text: string | undefined;
    try {
      text = readFileSync(join(varDir, 'migrating'), 'utf8');
    } catch {
      text = undefined;
    }
    const to = movingServices.to(varDir, text, (line) => this.o.log(`${name}: ${line}`));
    return to ? { moving: to } : {};
  }

  private send(): Promise<void> {
    return this.backend.publish(this.view());
  }

  /** The backend's membership, with this node's view as it is now, not as last published: a start just begun shows. */
  private membership(): Membership {
    const m = this.backend.membership();
    m.views[this.self] = { up: 0, peers: {}, ...m.views[this.self], ...this.view(true) };
    return m;
  }

  /** Runs the orchestrator on what was heard, and carries out its decisions for this node. */
  private decide(): void {
    const m = this.membership();
    this.lastMembership = m;
    const { alive, quorum: q, views, ready } = m;
    if (ready && q.quorum !== this.lastQuorum) {
      this.o.log(q.quorum ? `quorum: ${q.reason}` : `quorum lost: ${q.reason}`);
      this.lastQuorum = q.quorum;
      this.bus.publish({ kind: 'quorum', quorum: q.quorum, reason: q.reason });
    }
    if (ready) {
      const peers = this.backend.peers();
      for (const e of seenEvents(this.seen, { alive, views }, Object.fromEntries(Object.entries(peers).map(([n, p]) => [n, p.reason])))) this.bus.publish(e);
      this.seen = { alive: [...alive], views };
    }
    const services = [...this.local.values()].flatMap((l) => (l.policy ? [l.policy] : []));
    // A newer target heard from a peer becomes this node's (the orchestrator already drives toward the newest it hears).
    if (ready) for (const s of services) this.targets.adopt(s.name, views);
    const fenced = this.fencer.current(alive, m.lastWordMs);
    const input = { self: this.self, ready, quorum: q.quorum, fence: this.cluster.fence, alive, views, services, silentMs: m.silentMs, takeoverMs: m.takeoverMs, settled: m.settled, timeoutMs: this.hb.timeoutMs, lastWordMs: m.lastWordMs, fenced };
    for (const d of this.orchestrator.decide(input)) void (d.action === 'fence' ? this.fencer.fence(d) : this.act(d));
    this.releaseUnheld();
    if (this.cluster.fence) this.renewWatchdog(m);
    if (ready) for (const l of this.local.values()) if (l.policy) this.replicate(l.policy, alive, views);
  }

  /**
   * Claims of services this node no longer holds are given back, whoever
   * stopped them (this daemon, a failed start's rollback, an operator, the
   * watchdog): a claim left behind would keep every other node from
   * starting the service until this node's lease ends, which it never does
   * while the node lives. Cheap when nothing is claimed: the backend asks
   * its store only for claims it holds.
   */
  private releaseUnheld(): void {
    for (const [name, l] of this.local) if (!l.busy && !l.claiming && !holds(l.view)) void this.backend.release(name);
  }

  /**
   * Arms the watchdog with the ha failover services held here and the end
   * of this node's quorum lease; without quorum nothing is renewed, so the
   * lease runs out (the agent fences too, the watchdog is for when it
   * cannot). Holding nothing disarms it.
   */
  private renewWatchdog(m: Membership): void {
    if (!this.o.watchdogCommand) return;
    const own = m.views[this.self]!.services;
    const held = [...this.local].filter(([name, l]) => l.policy?.orchestrate === 'ha' && l.policy.topology === 'failover' && (l.busy !== undefined || holds(own[name]))).map(([name]) => name);
    if (held.length && !m.quorum.quorum) return;
    this.watchdog ??= new WatchdogClient({ socket: join(this.paths.runDir, 'watchdog.sock'), command: this.o.watchdogCommand(this.hb.timeoutMs), logFile: join(this.o.ctx.root, 'var/log/capsule/watchdog.log'), log: this.o.log });
    this.watchdog.renew({ until: held.length ? Math.min(m.leaseUntil, Number.MAX_SAFE_INTEGER) : 0, services: held });
  }

  /**
   * As replication master of a service, pushes its config to the live peers
   * whose copy differs (or who have none) with `svcmgr -s SVC sync`; the
   * same push is not retried within 30 s. The outcome feeds sync#i0.
   */
  private replicate(policy: ServicePolicy, alive: string[], views: Record<string, NodeView>): void {
    const master = replicationMaster(policy, alive, views);
    const former = formerNodes(policy, alive, views);
    const stale = master === this.self ? staleCopies(policy.name, this.self, alive, views).filter((n) => policy.nodes.includes(n) || former.includes(n)) : [];
    this.recordReplication(policy.name, master ?? null, stale);
    if (!stale.length) return;
    const key = `${own(own(views, this.self)?.services, policy.name)?.csum}:${stale.join(',')}`;
    const last = this.pushes.get(policy.name);
    if (last && (last.running || (last.key === key && Date.now() - last.at < 30_000))) return;
    this.pushes.set(policy.name, { key, at: Date.now(), running: true });
    this.o.log(`sync ${policy.name}: ${stale.join(', ')} need update`);
    const also = stale.filter((n) => former.includes(n));
    const env = { CAPSULE_ROOT: this.o.ctx.root, CAPSULE_NODENAME: this.self, CAPSULE_ORIGIN: `daemon of ${this.self}: replication` };
    void localExec([...this.o.svcmgr, '-s', policy.name, 'sync', ...(also.length ? ['--also', also.join(',')] : [])], { env, timeoutMs: 5 * 60_000 }).then((r) => {
      this.pushes.set(policy.name, { key, at: Date.now(), running: false });
      this.o.log(`sync ${policy.name}: ${r.stdout.trim().replace(/\n/g, '; ') || r.stderr.trim().split('\n').pop()}`);
    });
  }

  /**
   * replication.json, what sync#i0 reports: written when the master or the
   * stale peers change, and otherwise every 30 s so that sync#i0 (which
   * calls a record older than 60 s a stopped daemon) knows the daemon runs.
   * Not at every decision round: that was 10 writes a second per service.
   */
  private recordReplication(name: string, master: string | null, stale: string[]): void {
    const what = JSON.stringify({ master, stale });
    const last = this.recorded.get(name);
    const now = monotonicMs();
    if (last && last.what === what && now - last.at < 30_000) return;
    this.recorded.set(name, { what, at: now });
    void writeStateFile(join(servicePaths(this.o.ctx.root, name).varDir, 'replication.json'), JSON.stringify({ master, stale, updated: Date.now() }) + '\n').catch(() => undefined);
  }

  /** `args`: a partial action (`--rid app#1` for a monitor restart). */
  private async act(d: ServiceAction, args: string[] = []): Promise<void> {
    const l = this.local.get(d.service);
    if (!l || l.busy) return;
    // Another node may hold the placement by now (a store-backed backend knows; heartbeats check quorum).
    // A flex service may run on up to flex_max_nodes at once: that many slots (all its nodes when unset).
    const slots = l.policy?.topology === 'flex' ? (l.policy.flexMax ?? l.policy.nodes?.length ?? this.cluster.nodes.length) : 1;
    if (d.action === 'start') {
      // Claiming: releaseUnheld() must not give the claim back before the start shows in the view.
      l.claiming = true;
      const claimed = await this.backend.claim(d.service, slots).finally(() => (l.claiming = false));
      // Said once a streak: the orchestrator decides the start again every round.
      if (!claimed && !l.refused) this.o.log(`start ${d.service}: not claimed, another node holds it`);
      l.refused = !claimed;
      if (!claimed) return;
    }
    l.busy = d.action === 'start' ? 'starting' : 'stopping';
    this.o.log(`${d.action} ${d.service}: ${d.reason}`);
    const actionId = `${this.self}-${++this.actions}`;
    const by = `daemon of ${this.self}`;
    this.bus.publish({ kind: 'decision', service: d.service, action: d.action, reason: d.reason });
    this.bus.publish({ kind: 'action', action_id: actionId, service: d.service, action: d.action, phase: 'begin', by });
    // Tell the peers at once that this node holds the service now.
    await this.send();
    // The audit log says who: this daemon, and why.
    const env = { CAPSULE_ROOT: this.o.ctx.root, CAPSULE_NODENAME: this.self, CAPSULE_ORIGIN: `daemon of ${this.self}: ${d.reason}` };
    const r = await localExec([...this.o.svcmgr, '-s', d.service, d.action, '--local', ...args], { env, timeoutMs: 15 * 60_000 });
    if (r.code !== 0) this.o.log(`${d.action} ${d.service} failed (exit ${r.code}): ${r.stderr.trim().split('\n').pop() ?? ''}`);
    this.bus.publish({ kind: 'action', action_id: actionId, service: d.service, action: d.action, phase: 'end', by, code: r.code, ...(r.code !== 0 ? { error: r.stderr.trim().split('\n').pop() ?? '' } : {}) });
    if (d.action === 'start' && r.code !== 0) {
      this.failedHere(l);
      this.o.log(`${d.service}: not eligible here for ${startBackoffMs(l.failed!.count) / 1000} s (failure ${l.failed!.count} in a row; svcmgr -s ${d.service} clear to retry now)`);
    }
    if (d.action === 'start' && !args.length && r.code === 0) l.tries.clear();
    await this.refreshOne(d.service, l);
    l.busy = undefined;
    this.releaseUnheld();
    await this.send();
  }

  private async refreshOne(name: string, l: Local): Promise<void> {
    try {
      const paths = servicePaths(this.o.ctx.root, name);
      // An action under way before or after the status was read: a resource seen down may be one it stops.
      const lock = join(paths.varDir, ACTION_LOCK);
      const actionBefore = existsSync(lock);
      const { svc, status } = await inspectService(this.o.ctx, name, { refreshGuests: false, ...(this.o.echo ? { echo: this.o.echo } : {}) });
      const [text, st, version, kept] = await Promise.all([readFile(paths.config), stat(paths.config), peekVersion(paths.config, paths.varDir), listKept(paths)]);
      const avail = AVAIL[status.avail] ?? 'down';
      l.policy = { name, topology: svc.topology, orchestrate: svc.orchestrate, placement: svc.placement, nodes: svc.nodes, flexMin: svc.flex.min, flexMax: svc.flex.max, failback: svc.failback, stonith: svc.stonith, ...policyRelations(svc.relations) };
      // Running here whole: the failures in a row are over.
      if (avail === 'up') l.failed = undefined;
      const csum = createHash('sha256').update(text).digest('hex');
      const generation = version?.generation ?? 0;
      // A config read before (csum set) and now another: an edit or a copy replicated here.
      if (l.view.csum && (l.view.csum !== csum || l.view.generation !== generation)) this.bus.publish({ kind: 'config', service: name, generation, csum });
      l.view = { avail, overall: status.overall, frozen: status.frozen, startFailed: false, csum, mtime: st.mtimeMs, generation, kept: kept.length };
      this.monitor(name, l, svc, status, actionBefore || existsSync(lock));
    } catch (e) {
      // A service that cannot be read is not orchestrated, and says so once per refresh.
      l.policy = undefined;
      this.o.log(`${name}: ${(e as Error).message}`);
    }
  }

  /** Restarts a monitored resource found down here, or gives the service up here when its restarts are spent. */
  private monitor(name: string, l: Local, svc: Service, status: ServiceStatus, acting: boolean): void {
    if (status.avail === 'down') l.tries.clear();
    const held = (status.avail === 'up' || status.avail === 'warn') && !status.frozen && !status.migrating && !l.busy && !acting;
    const now = monotonicMs();
    const v = monitorVerdict(svc.resources, status.resources, held, l.tries, l.lastRestart, now);
    if (v.action === 'restart') {
      for (const rid of v.rids) l.tries.set(rid, (l.tries.get(rid) ?? 0) + 1);
      for (const rid of v.rids) l.lastRestart.set(rid, now);
      const counts = v.rids.map((rid) => `${rid} ${l.tries.get(rid)}/${svc.resources.find((r) => r.rid === rid)!.restart}`).join(', ');
      void this.act({ service: name, action: 'start', reason: `monitor: restart ${counts}` }, v.rids.flatMap((rid) => ['--rid', rid]));
    } else if (v.action === 'give up') {
      // Start-failed here: the orchestrator, here and on the peers, places it on the next node.
      this.failedHere(l);
      void this.act({ service: name, action: 'stop', reason: `monitor: ${v.rid} down after ${v.restarts} restart(s), giving ${name} up here` });
    }
  }

  private async refreshAll(): Promise<void> {
    this.refreshing ??= (async () => {
      const names = await listServices(this.o.ctx.root);
      for (const gone of [...this.local.keys()].filter((n) => !names.includes(n))) {
        this.local.delete(gone);
        this.recorded.delete(gone);
      }
      for (const name of names) {
        let l = this.local.get(name);
        if (!l) {
          l = { tries: new Map(), lastRestart: new Map(), view: { avail: 'undef', overall: 'undef', frozen: false, startFailed: false, csum: '', mtime: 0, generation: 0, kept: 0 } };
          this.local.set(name, l);
        }
        if (!l.busy) await this.refreshOne(name, l);
      }
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** What the API reads of this agent. */
  private apiState(): AgentState {
    return {
      self: this.self,
      clusterName: this.cluster.name,
      nodes: this.cluster.nodes,
      backend: this.cluster.etcd ? 'etcd' : 'hb',
      root: this.o.ctx.root,
      svcmgr: this.o.svcmgr,
      // The last decision round's (at most its period old): reading every service's files again per request cost
      // 6 ms of CPU with 200 services, time the heartbeats and the decisions wait for (bench/api.mjs).
      membership: () => this.lastMembership ?? this.membership(),
      peers: () => this.backend.peers(),
      services: () => new Map([...this.local].map(([n, l]) => [n, l.policy])),
      log: this.o.log,
    };
  }

  private async handle(r: Request): Promise<unknown> {
    switch (r.cmd) {
      case 'status': {
        const { quorum: q, views, ready } = this.membership();
        const policies = [...this.local.values()].flatMap((l) => (l.policy ? [l.policy] : []));
        return { node: this.self, cluster: this.cluster.name, ...this.backend.details(), ready, quorum: q, peers: this.backend.peers(), views, policies, fencing: this.fencer.status() };
      }
      case 'refresh': {
        // svcmgr acted by hand: the peers learn the new state now, not at the next status round.
        const l = r.service ? this.local.get(r.service) : undefined;
        if (l && !l.busy) await this.refreshOne(r.service!, l);
        else if (!r.service) await this.refreshAll();
        await this.send();
        return { ok: true };
      }
      case 'reload':
        return this.reload();
      case 'clear': {
        // OpenSVC's clear: the failures are forgotten, this node is eligible again at once.
        const l = this.local.get(r.service);
        if (!l) return { error: `${r.service} is not a service of ${this.self}` };
        const had = l.failed !== undefined || l.tries.size > 0;
        l.failed = undefined;
        l.tries.clear();
        this.o.log(`clear ${r.service}: ${had ? 'start failures and monitor restarts forgotten' : 'nothing to clear'} (svcmgr clear)`);
        await this.send();
        return { ok: true, cleared: had };
      }
      case 'stop':
        setImmediate(() => void this.stop());
        return { ok: true };
      default:
        return { error: 'unknown command' };
    }
  }
}

/** The [DEFAULT] relations of a service as its policy carries them (omitted when empty, as the simulator writes policies). */
function policyRelations(r: ServiceRelations): Partial<ServicePolicy> {
  const list = (v: string[]) => (v.length ? v : undefined);
  const out: Partial<ServicePolicy> = { priority: r.priority, parents: list(r.parents), children: list(r.children), hardAffinity: list(r.hardAffinity), hardAntiAffinity: list(r.hardAntiAffinity), softAffinity: list(r.softAffinity), softAntiAffinity: list(r.softAntiAffinity), flexTarget: r.flexTarget };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** The web page's build: dist/web beside the bundle's dist/bin (or the sources' dist when run from them). */
function webDir(): string {
  return fileURLToPath(new URL('../web/', import.meta.url));
}

/** How the agent keeps in touch, as its start and reload lines say. */
function rhythm(c: ClusterConfig): string {
  const t = clusterTiming(c);
  return c.etcd ? `etcd at ${c.etcd.endpoints.join(' ')}, lease ${Math.ceil(t.timeoutMs / 1000)} s` : `heartbeats every ${t.intervalMs} ms, timeout ${t.timeoutMs} ms`;
}

/** Why the backend of these settings could not join now (etcd unreachable, or another cluster's prefix); undefined when it could. */
async function probeBackend(cluster: ClusterConfig): Promise<string | undefined> {
  const e = cluster.etcd;
  if (!e) return undefined;
  const { EtcdBackend } = await import('@capsule/cluster/etcd');
  try {
    await EtcdBackend.probe(cluster, { endpoints: e.endpoints, ...(e.prefix ? { prefix: e.prefix } : {}), ...(await etcdTls(e)) });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

async function etcdTls(e: NonNullable<ClusterConfig['etcd']>): Promise<{ tls?: { ca: Buffer; cert?: Buffer; key?: Buffer } }> {
  const pem = (f: string | undefined) => (f === undefined ? undefined : readFile(f));
  const [ca, cert, key] = await Promise.all([pem(e.ca), pem(e.cert), pem(e.key)]);
  return ca ? { tls: { ca, ...(cert ? { cert } : {}), ...(key ? { key } : {}) } } : {};
}

/** The backend node.conf asks for: heartbeats, or etcd (its client loaded only then). */
async function makeBackend(cluster: ClusterConfig, self: string, log: (line: string) => void, startTimeoutMs?: number): Promise<ClusterBackend> {
  const e = cluster.etcd;
  if (!e) return new HeartbeatBackend(cluster, self, { log });
  const { EtcdBackend } = await import('@capsule/cluster/etcd');
  return new EtcdBackend(cluster, self, { endpoints: e.endpoints, ttlMs: e.ttlMs, ...(e.prefix ? { prefix: e.prefix } : {}), ...(await etcdTls(e)), log, ...(startTimeoutMs ? { startTimeoutMs } : {}) });
}
