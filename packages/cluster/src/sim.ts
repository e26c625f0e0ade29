// The orchestrator's simulator, after Proxmox's pve-ha-tester: nodes in
// virtual time (one tick is one heartbeat interval) exchange heartbeats as
// views over links the scenario cuts and heals, each runs the real
// Orchestrator on the real membership rules, and the log records what every
// node did; an agent that starts or stops something also tells its peers at
// once, as the real one does before it runs svcmgr. Agents can be killed,
// paused and restarted apart from their services, which keep running, and
// with `fence` each node has a watchdog that stops its ha services when its
// agent no longer renews it. A fence (stonith = true) powers its target off
// at once, unless the scenario lists the target in `fenceFails`. With
// `backend: etcd` the nodes talk only through a store (sim-store.ts): a
// lease renewed each tick, views and claims under it, membership from what
// the store holds, a start only after its claim; `hb-loss` then cuts the
// node off from the store, and cuts between nodes change nothing.
import { aliveNodes, arbitratorCounts, heardNow, lastWordMs, quorumLease, silentFor, takeoverDelayMs, type Heard } from './membership.js';
import { holds, Orchestrator } from './orchestrator.js';
import type { ServicePolicy } from './policy.js';
import { quorum } from './quorum.js';
import { SimFences } from './sim-fence.js';
import { SimStore } from './sim-store.js';
import { ScenarioCluster, type ScenarioEvent } from './sim-scenario.js';
import { clusterTarget, newerTarget, nextTarget, targetFields, type Target, type TargetState } from './target.js';
import type { InstanceView, NodeView } from './view.js';

export { ScenarioCluster, parseCmdlist, formatCmdlist, EVENTS, type ScenarioEvent } from './sim-scenario.js';

interface Instance {
  state: 'down' | 'starting' | 'up' | 'stopping';
  until: number;
  frozen: boolean;
  startFailed: boolean;
  /** Starts fail on this node while set (the scenario's `start-fail`). */
  failing: boolean;
  /** An administrator's switch to this node is under way (`svcmgr switch --to`). */
  moving?: string;
}

interface SimNode {
  name: string;
  powered: boolean;
  agent: 'running' | 'dead' | 'paused';
  pausedUntil: number;
  /** When the agent last began to listen: after a start, a restart or a pause it decides nothing for one timeout. */
  bootedAt: number;
  frozen: boolean;
  hbLost: boolean;
  arbCut: boolean;
  heard: Map<string, Heard>;
  /** The agent's own heartbeats: sequence number (its tick) -> when sent. */
  sent: Map<number, number>;
  orchestrator: Orchestrator;
  instances: Map<string, Instance>;
  hadQuorum: boolean;
  /** The watchdog's deadline: past it, unrenewed, the node's ha services are stopped. */
  watchdogUntil: number;
  /** The agent's fences (stonith), forgotten with the agent. */
  fences: SimFences;
  /** Each service's target.json on this node's disk: it survives agent restarts and power cuts. */
  targets: Map<string, Target>;
  /** etcd: the agent's lease, when its last renewal was sent, whether it knows the lease gone, whether it has joined since it started. */
  lease?: number;
  lastRenew: number;
  leaseLost: boolean;
  joined: boolean;
  /** etcd: the views the agent read from the store last time it reached it, and since when each absent node has been seen absent. */
  storeViews: Map<string, NodeView>;
  seenGone: Map<string, number>;
}

export interface SimTick {
  t: number;
  /** Nodes holding each failover service (starting, up or stopping), powered nodes only. */
  holders: Record<string, string[]>;
  /** Every node powered, its agent running and ready, every link up, everyone hearing everyone. */
  whole: boolean;
  /** Per service: the target every node (powered or not) has on disk, when they all have the same one. */
  agreedTarget: Record<string, TargetState | undefined>;
}

export interface SimResult {
  log: string[];
  /** Seconds at which a failover service was held by more than one node, and where. */
  doubleStarts: string[];
  ticks: SimTick[];
}

export function simulate(clusterInput: ScenarioCluster, events: readonly ScenarioEvent[]): SimResult {
  const cluster = ScenarioCluster.parse(clusterInput);
  // Membership and the orchestrator count in ms: a tick is 1000 ms.
  const T = cluster.timeout * 1000;
  const etcd = cluster.backend === 'etcd';
  // etcd: a whole TTL after a lost node's key vanished (etcd/backend.ts membership().takeoverMs).
  const takeover = etcd ? T : takeoverDelayMs({ intervalMs: 1000, timeoutMs: T, fenceMs: T, tickMs: 0 });
  const store = new SimStore(T);
  const ms = () => t * 1000;
  const services: ServicePolicy[] = cluster.services.map((s) => ({ ...s, nodes: s.nodes ?? cluster.nodes }));
  const spec = new Map(cluster.services.map((s) => [s.name, s]));
  const cuts = new Set<string>();
  const pair = (a: string, b: string) => [a, b].sort().join('|');
  const log: string[] = [];
  const doubleStarts: string[] = [];
  const ticks: SimTick[] = [];
  const lastDouble = new Map<string, string>();
  const end = events.find((e) => e.event === 'end')?.at ?? Math.max(0, ...events.map((e) => e.at)) + 10;
  let t = 0;
  const say = (who: string, what: string) => log.push(`${String(t).padStart(4)} ${who.padEnd(5)} ${what}`);

  const fresh = (n: Pick<SimNode, 'name'>): SimNode => ({
    name: n.name,
    powered: true,
    agent: 'running',
    pausedUntil: 0,
    bootedAt: 0,
    frozen: false,
    hbLost: false,
    arbCut: false,
    heard: new Map(),
    sent: new Map(),
    orchestrator: new Orchestrator(),
    instances: new Map(),
    hadQuorum: true,
    watchdogUntil: Infinity,
    fences: new SimFences(),
    targets: new Map(),
    lastRenew: -Infinity,
    leaseLost: false,
    joined: false,
    storeViews: new Map(),
    seenGone: new Map(),
  });
  const nodes = new Map<string, SimNode>(cluster.nodes.map((name) => [name, fresh({ name })]));
  const node = (name: string | undefined): SimNode => {
    const n = nodes.get(name ?? '');
    if (!n) throw new Error(`unknown node ${name}`);
    return n;
  };
  const instance = (n: SimNode, svc: string): Instance => {
    let i = n.instances.get(svc);
    if (!i) {
      i = { state: 'down', until: 0, frozen: false, startFailed: false, failing: false };
      n.instances.set(svc, i);
    }
    return i;
  };
  const agentReset = { lease: undefined, lastRenew: -Infinity, leaseLost: false, joined: false, storeViews: new Map(), seenGone: new Map() };
  const restartAgent = (n: SimNode) => Object.assign(n, { agent: 'running', bootedAt: ms(), heard: new Map(), sent: new Map(), orchestrator: new Orchestrator(), hadQuorum: true, fences: new SimFences(), ...agentReset });
  const powerOff = (n: SimNode) => Object.assign(n, { powered: false, heard: new Map(), instances: new Map(), orchestrator: new Orchestrator(), watchdogUntil: Infinity, fences: new SimFences(), ...agentReset });
  /** The peers' views a node knows: heard in heartbeats, or read from the store. */
  const knownViews = (n: SimNode): Record<string, NodeView> => (etcd ? Object.fromEntries(n.storeViews) : Object.fromEntries([...n.heard].map(([p, h]) => [p, h.view])));
  /** etcd: the agent reaches the store (its link not cut, the store with a quorum). */
  const reachesStore = (n: SimNode) => n.powered && n.agent === 'running' && !n.hbLost && store.up;
  const viewOf = (n: SimNode): NodeView => ({
    frozen: n.frozen,
    up: ms() - n.bootedAt,
    peers: Object.fromEntries([...n.heard].map(([p, h]) => [p, [ms() - h.at, h.seq]])),
    services: Object.fromEntries(
      services.map((s): [string, InstanceView] => {
        const i = instance(n, s.name);
        return [s.name, { avail: i.state, overall: i.state, frozen: i.frozen, startFailed: i.startFailed, csum: '', mtime: 0, generation: 0, ...(i.moving ? { moving: i.moving } : {}), ...targetFields(n.targets.get(s.name)) }];
      }),
    ),
  });
  const stop = (n: SimNode, svc: string, i: Instance) => Object.assign(i, { state: 'stopping', until: t + spec.get(svc)!.stopTime });

  const apply = (e: ScenarioEvent) => {
    const [a, b] = e.args;
    say('--', `${e.event}${e.args.length ? ' ' + e.args.join(' ') : ''}`);
    switch (e.event) {
      case 'node-down':
        powerOff(node(a));
        break;
      case 'node-up':
        restartAgent(Object.assign(node(a), { powered: true }));
        break;
      case 'net-cut':
        cuts.add(pair(a!, b!));
        break;
      case 'net-heal':
        cuts.delete(pair(a!, b!));
        break;
      case 'link-cut':
        cuts.add(`${a}>${b}`);
        break;
      case 'link-heal':
        cuts.delete(`${a}>${b}`);
        break;
      case 'hb-loss':
      case 'hb-return':
        node(a).hbLost = e.event === 'hb-loss';
        break;
      case 'arb-cut':
      case 'arb-heal':
        node(a).arbCut = e.event === 'arb-cut';
        break;
      case 'agent-kill':
        node(a).agent = 'dead';
        break;
      case 'agent-start':
      case 'agent-restart':
        if (node(a).powered) restartAgent(node(a));
        break;
      case 'pause':
        if (node(a).agent === 'running') Object.assign(node(a), { agent: 'paused', pausedUntil: t + Number(b ?? 1) });
        break;
      case 'resource-fail': {
        const i = instance(node(b), a!);
        if (i.state === 'up') i.state = 'down';
        break;
      }
      case 'start-fail':
        instance(node(b), a!).failing = true;
        break;
      case 'start-ok':
        Object.assign(instance(node(b), a!), { failing: false, startFailed: false });
        break;
      case 'freeze':
      case 'thaw':
        for (const n of b ? [node(b)] : nodes.values()) instance(n, a!).frozen = e.event === 'freeze';
        break;
      case 'freeze-node':
      case 'thaw-node':
        node(a).frozen = e.event === 'freeze-node';
        break;
      case 'set': {
        // A config change every node reads: `set SVC flexMin 3`, `set SVC nodes hv2,hv3`.
        const svc = services.find((x) => x.name === a);
        const value = e.args[2] ?? '';
        if (!svc || !['flexMin', 'flexMax', 'orchestrate', 'failback', 'nodes'].includes(b ?? '')) throw new Error(`set: expected "set SERVICE flexMin|flexMax|orchestrate|failback|nodes VALUE": ${e.args.join(' ')}`);
        Object.assign(svc, { [b!]: b === 'failback' ? value === 'true' : b === 'orchestrate' ? value : b === 'nodes' ? value.split(',') : Number(value) });
        break;
      }
      case 'switch':
        // `switch SVC FROM TO`: svcmgr stops it on FROM, then starts it on TO over ssh, FROM marked moving meanwhile.
        Object.assign(stop(node(b), a!, instance(node(b), a!)), { moving: e.args[2] });
        break;
      case 'target': {
        // As `svcmgr -s SVC start|stop` on NODE: target.json there, one generation above the newest NODE knows of.
        const n = node(e.args[2]);
        const state = b === 'stopped' || b === 'started' ? b : undefined;
        if (!state || !spec.has(a!)) throw new Error(`target: expected "target SERVICE started|stopped NODE": ${e.args.join(' ')}`);
        if (!n.powered) break;
        // As svcmgr does: the newest of target.json and what the daemon hears, so that a start supersedes a stop not yet adopted.
        const heard = clusterTarget(knownViews(n), a!)?.target;
        const mine = n.targets.get(a!);
        const next = nextTarget(newerTarget(heard, mine) ? heard : mine, state, n.name, new Date(ms()));
        if (next) n.targets.set(a!, next);
        const i = instance(n, a!);
        if (state === 'stopped' && (i.state === 'up' || i.state === 'starting')) stop(n, a!, i);
        break;
      }
      case 'etcd-down':
        store.up = false;
        break;
      case 'etcd-up':
        store.recover(ms());
        break;
      case 'lease-revoke':
        store.revoke(node(a).name);
        break;
      case 'end':
        break;
    }
  };

  const finishActions = (n: SimNode) => {
    for (const [svc, i] of n.instances) {
      if (i.state === 'starting' && t >= i.until) {
        if (i.failing) {
          Object.assign(i, { state: 'down', startFailed: true });
          say(n.name, `${svc} start failed`);
        } else {
          Object.assign(i, { state: 'up', startFailed: false });
          say(n.name, `${svc} up`);
          for (const other of nodes.values()) if (other.powered && instance(other, svc).moving === n.name) instance(other, svc).moving = undefined;
        }
      } else if (i.state === 'stopping' && t >= i.until) {
        i.state = 'down';
        say(n.name, `${svc} down`);
        if (i.moving) {
          Object.assign(instance(node(i.moving), svc), { state: 'starting', until: t + spec.get(svc)!.startTime });
          say(i.moving, `start ${svc} (switch from ${n.name})`);
        }
      }
    }
  };

  /** The watchdog acts apart from the agent: past its deadline it stops what the node holds of its ha failover services. */
  const watchdog = (n: SimNode) => {
    if (!cluster.fence || ms() < n.watchdogUntil) return;
    n.watchdogUntil = Infinity;
    for (const s of services) {
      const i = instance(n, s.name);
      if (s.orchestrate === 'ha' && s.topology === 'failover' && (i.state === 'up' || i.state === 'starting')) {
        say(n.name, `watchdog: stop ${s.name} (agent silent)`);
        stop(n, s.name, i);
      }
    }
  };

  /** What a fence does here: the target is powered off at once, unless its fence command fails. */
  const fenceWorld = (n: SimNode) => ({
    t,
    ms: ms(),
    fails: (x: string) => cluster.fenceFails.includes(x),
    powerOff: (x: string) => {
      if (node(x).powered) powerOff(node(x));
    },
    say: (what: string) => say(n.name, what),
  });

  /** A heartbeat of `from` (numbered by the tick) to the running peers its links allow. */
  const publish = (from: SimNode, view: NodeView, running: readonly SimNode[]) => {
    from.sent.set(t, ms());
    if (from.hbLost) return;
    for (const to of running) {
      if (to !== from && !cuts.has(pair(from.name, to.name)) && !cuts.has(`${from.name}>${to.name}`)) to.heard.set(from.name, heardNow(to.name, to.heard.get(from.name), ms(), t, view, (seq) => to.sent.get(seq)));
    }
  };

  /** The agent adopts a newer target its peers publish into its own target.json. */
  const adoptTargets = (n: SimNode, known: Record<string, NodeView>) => {
    for (const s of services) {
      const best = clusterTarget(known, s.name);
      if (best && newerTarget(best.target, n.targets.get(s.name))) {
        n.targets.set(s.name, best.target);
        say(n.name, `target ${s.name} ${best.target.target} (generation ${best.target.generation}, set by ${best.target.by}), from ${best.from}`);
      }
    }
  };

  /**
   * etcd, one tick of the store and of every agent's lease: expiries, then
   * renewals (a lease found gone costs the agent its quorum this tick and is
   * granted again the next, as the real one decides between the two),
   * views published, and what the store holds read back.
   */
  const storeTick = (running: readonly SimNode[], views: ReadonlyMap<string, NodeView>) => {
    store.expire(ms());
    for (const n of running.filter(reachesStore)) {
      if (n.lease === undefined || n.leaseLost) {
        const again = n.leaseLost;
        const id = store.grant(n.name, ms());
        Object.assign(n, { lease: id, leaseLost: false, lastRenew: ms(), joined: true });
        if (again) say(n.name, 'etcd lease granted again');
      } else if (store.renew(n.name, n.lease, ms())) n.lastRenew = ms();
      else if (store.gone(n.name, n.lease)) {
        n.leaseLost = true;
        say(n.name, 'etcd lease lost: no quorum until a new one is granted');
      }
      if (n.leaseLost) continue;
      store.publish(n.name, n.lease, views.get(n.name)!);
      // As the agent's releaseUnheld(): a claim on a service not held here (stopped by anyone, a start failed) is given back.
      for (const [svc, i] of n.instances) if (i.state === 'down') store.release(svc, n.name);
    }
    const present = store.present();
    for (const n of running.filter(reachesStore)) {
      n.storeViews = new Map([...present].filter(([p]) => p !== n.name));
      for (const x of cluster.nodes) {
        if (present.has(x)) n.seenGone.delete(x);
        else if (!n.seenGone.has(x)) n.seenGone.set(x, ms());
      }
    }
  };

  /** etcd: what a node decides on, as EtcdBackend.membership() gives it. */
  const etcdInput = (n: SimNode, own: NodeView) => {
    const renewedAgo = ms() - n.lastRenew;
    const q = n.joined && !n.leaseLost && renewedAgo <= (2 * T) / 3;
    const ready = n.joined;
    if (ready && q !== n.hadQuorum) say(n.name, q ? 'quorum regained: etcd lease renewed' : `quorum lost: ${n.leaseLost ? 'no etcd lease' : `etcd lease not renewed for ${renewedAgo / 1000} s`}`);
    if (ready) n.hadQuorum = q;
    const alive = q ? cluster.nodes.filter((x) => x === n.name || n.storeViews.has(x)) : [n.name];
    const known: Record<string, NodeView> = { [n.name]: own };
    for (const p of alive) if (p !== n.name) known[p] = n.storeViews.get(p)!;
    if (q) n.watchdogUntil = n.lastRenew + (2 * T) / 3;
    const absent = Object.fromEntries(cluster.nodes.filter((x) => !alive.includes(x)).map((x) => [x, ms() - (n.seenGone.get(x) ?? n.bootedAt)]));
    const fenced = n.fences.current(alive, absent, fenceWorld(n));
    adoptTargets(n, known);
    return { alive, input: { self: n.name, ready, quorum: q, fence: cluster.fence, alive, views: known, services, silentMs: absent, takeoverMs: takeover, settled: ready, timeoutMs: T, lastWordMs: absent, fenced } };
  };

  const arbHeard = new Map<string, number>();
  /** Since when each node's agent has had an arbitrator answer every tick. */
  const arbSteady = new Map<string, number>();
  const queue = [...events];
  for (t = 0; t <= end; t++) {
    while (queue.length && queue[0]!.at <= t) apply(queue.shift()!);
    const powered = [...nodes.values()].filter((n) => n.powered);
    for (const n of powered) {
      if (n.agent === 'paused' && t >= n.pausedUntil) {
        // The agent sees a gap in its clock and waits one timeout before deciding: what it heard before the pause is
        // stale, but kept, since it only ever delays a start (old echoes prove nothing, old silences are shorter).
        Object.assign(n, { agent: 'running', bootedAt: ms() });
        say(n.name, 'agent resumes: membership reset');
      }
    }
    for (const n of powered) finishActions(n);
    const running = powered.filter((n) => n.agent === 'running');
    // Heartbeats: every running agent's view reaches the running peers its links allow; or each goes through the store.
    const views = new Map(running.map((n) => [n.name, viewOf(n)]));
    if (etcd) storeTick(running, views);
    else for (const from of running) publish(from, views.get(from.name)!, running);
    // The arbitrator hears every running agent it is not cut from, and reports how long each has been silent.
    for (const n of nodes.values()) if (n.agent !== 'running' || !n.powered || n.bootedAt === ms()) arbSteady.delete(n.name);
    for (const n of running) {
      if (n.arbCut) arbSteady.delete(n.name);
      else {
        arbHeard.set(n.name, ms());
        if (!arbSteady.has(n.name)) arbSteady.set(n.name, ms());
      }
    }
    const arbSeen = running.filter((n) => !n.arbCut).map((n) => n.name);
    const alives = new Map<string, string[]>();
    // Every running agent decides on what it heard, then the decisions take effect.
    const decisions = running.map((n) => {
      if (etcd) {
        const { alive, input } = etcdInput(n, views.get(n.name)!);
        alives.set(n.name, alive);
        return { n, list: n.orchestrator.decide(input) };
      }
      const alive = aliveNodes(n.name, n.heard, ms(), T);
      alives.set(n.name, alive);
      const q = quorum({ nodes: cluster.nodes, alive, ...(cluster.arbitrator ? { arbitrator: { reachable: !n.arbCut, seen: n.arbCut ? [] : arbSeen } } : {}) });
      const ready = ms() - n.bootedAt >= T;
      if (ready && q.quorum !== n.hadQuorum) say(n.name, q.quorum ? `quorum regained: ${q.reason}` : `quorum lost: ${q.reason}`);
      if (ready) n.hadQuorum = q.quorum;
      const known: Record<string, NodeView> = { [n.name]: views.get(n.name)! };
      for (const p of alive) if (p !== n.name) known[p] = n.heard.get(p)!.view;
      const echoes = alive.filter((p) => p !== n.name).map((p) => n.heard.get(p)!.echo!);
      if (q.quorum) n.watchdogUntil = quorumLease({ clusterSize: cluster.nodes.length, echoes, timeoutMs: T, ...(cluster.arbitrator && !n.arbCut ? { arbitratorAt: ms() } : {}) });
      const arbitrated = cluster.arbitrator && !n.arbCut && arbitratorCounts(q.tieBreak, ms() - (arbSteady.get(n.name) ?? ms()), takeover);
      const silentMs = Object.fromEntries(
        cluster.nodes
          .filter((x) => !alive.includes(x))
          .map((x) => [x, silentFor(x, alive, known, n.name, ms() - (n.heard.get(x)?.at ?? n.bootedAt), arbitrated ? ms() - (arbHeard.get(x) ?? 0) : undefined)]),
      );
      const settled = echoes.every((e) => ms() - e <= 2000);
      const lastWord = Object.fromEntries(cluster.nodes.filter((x) => !alive.includes(x)).map((x) => [x, lastWordMs(x, alive, n.heard, n.name, ms())]));
      const fenced = n.fences.current(alive, lastWord, fenceWorld(n));
      adoptTargets(n, known);
      const input = { self: n.name, ready, quorum: q.quorum, fence: cluster.fence, alive, views: known, services, silentMs, takeoverMs: takeover, settled, timeoutMs: T, lastWordMs: lastWord, fenced };
      return { n, list: n.orchestrator.decide(input) };
    });
    for (const { n, list } of decisions) {
      // Fenced by a peer earlier in this tick: off, it carries out nothing.
      if (!n.powered) continue;
      for (const d of list) {
        if (d.action === 'fence') {
          n.fences.carryOut(d, fenceWorld(n));
          continue;
        }
        const i = instance(n, d.service);
        if (etcd && d.action === 'start') {
          // The agent claims the placement before it starts anything: a flex service has flex_max_nodes slots.
          const policy = services.find((x) => x.name === d.service)!;
          const slots = policy.topology === 'flex' ? (policy.flexMax ?? policy.nodes?.length ?? cluster.nodes.length) : 1;
          if (!reachesStore(n) || !store.claim(d.service, n.name, n.lease, slots)) {
            say(n.name, `start ${d.service}: not claimed, another node holds it`);
            continue;
          }
        }
        say(n.name, `${d.action} ${d.service} (${d.reason})`);
        if (d.action === 'start') Object.assign(i, { state: 'starting', until: t + spec.get(d.service)!.startTime });
        else stop(n, d.service, i);
      }
      // As the agent does before it runs svcmgr: its peers learn at once that it starts or stops something.
      if (list.some((d) => d.action !== 'fence')) {
        if (!etcd) publish(n, viewOf(n), running.filter((x) => x.powered));
        else if (reachesStore(n) && !n.leaseLost) store.publish(n.name, n.lease, viewOf(n));
      }
    }
    // The watchdog's deadline is the end of the lease the agent renewed in its last round.
    for (const n of powered) if (n.powered) watchdog(n);
    // The invariant the scenarios check: a failover service is held by one node at most.
    const holders: Record<string, string[]> = {};
    for (const s of services.filter((x) => x.topology === 'failover')) {
      holders[s.name] = powered.filter((n) => holds({ avail: instance(n, s.name).state } as InstanceView)).map((n) => n.name);
      const line = holders[s.name]!.length > 1 ? `${s.name} held on ${holders[s.name]!.join(',')}` : '';
      if (line && line !== lastDouble.get(s.name)) {
        say('!!', line);
        doubleStarts.push(`${t} ${line}`);
      }
      lastDouble.set(s.name, line);
    }
    const whole =
      cuts.size === 0 &&
      powered.length === nodes.size &&
      running.every((n) => !n.hbLost && !n.arbCut && ms() - n.bootedAt >= T && alives.get(n.name)!.length === nodes.size) &&
      (!etcd || store.up) &&
      running.length === nodes.size;
    const agreedTarget = Object.fromEntries(
      services.map((s) => {
        const all = [...nodes.values()].map((n) => n.targets.get(s.name));
        const first = all[0];
        return [s.name, first && all.every((x) => x?.generation === first.generation && x.by === first.by) ? first.target : undefined];
      }),
    );
    ticks.push({ t, holders, whole, agreedTarget });
  }
  return { log, doubleStarts, ticks };
}
