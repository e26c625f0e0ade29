// The orchestrator's simulator, after Proxmox's pve-ha-tester: nodes in
// virtual time exchange heartbeats (as views) over links the scenario cuts
// and heals, each runs the real Orchestrator on what it heard, and the
// log records what every node did. A scenario is a folder: cluster.json
// (nodes, services, timing), cmdlist (timed events) and expected.log.
import { z } from 'zod';
import { aliveNodes, type Heard } from './membership.js';
import { Orchestrator } from './orchestrator.js';
import type { ServicePolicy } from './policy.js';
import { quorum } from './quorum.js';
import type { InstanceView, NodeView } from './view.js';

const ServiceSpec = z.object({
  name: z.string(),
  topology: z.enum(['failover', 'flex']).default('failover'),
  orchestrate: z.enum(['no', 'start', 'ha']).default('ha'),
  placement: z.string().default('nodes order'),
  nodes: z.array(z.string()).optional(),
  flexMin: z.number().int().default(1),
  flexMax: z.number().int().optional(),
  failback: z.boolean().default(false),
  /** Seconds a start or a stop takes. */
  startTime: z.number().int().min(1).default(1),
  stopTime: z.number().int().min(1).default(1),
});

export const ScenarioCluster = z.object({
  nodes: z.array(z.string()).min(1),
  arbitrator: z.boolean().default(false),
  /** `[cluster] quorum = true`: self-fencing. */
  fence: z.boolean().default(false),
  /** Heartbeat timeout, seconds (the interval is one second, the simulator's tick). */
  timeout: z.number().int().min(1).default(3),
  services: z.array(ServiceSpec),
});
export type ScenarioCluster = z.input<typeof ScenarioCluster>;

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
  bootedAt: number;
  frozen: boolean;
  hbLost: boolean;
  arbCut: boolean;
  heard: Map<string, Heard>;
  orchestrator: Orchestrator;
  instances: Map<string, Instance>;
  hadQuorum: boolean;
}

const EVENTS = ['node-down', 'node-up', 'net-cut', 'net-heal', 'hb-loss', 'hb-return', 'arb-cut', 'arb-heal', 'resource-fail', 'start-fail', 'start-ok', 'freeze', 'thaw', 'freeze-node', 'thaw-node', 'set', 'switch', 'end'] as const;

export interface ScenarioEvent {
  at: number;
  event: (typeof EVENTS)[number];
  args: string[];
}

/** `T EVENT ARGS...` per line; `#` comments. */
export function parseCmdlist(text: string, file = 'cmdlist'): ScenarioEvent[] {
  const events: ScenarioEvent[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const [at, event, ...args] = line.split(/\s+/);
    if (!/^\d+$/.test(at ?? '') || !(EVENTS as readonly string[]).includes(event ?? '')) {
      throw new Error(`${file}:${i + 1}: expected "SECONDS EVENT ARGS", EVENT one of ${EVENTS.join(', ')}: ${raw}`);
    }
    events.push({ at: Number(at), event: event as ScenarioEvent['event'], args });
  });
  return events.sort((a, b) => a.at - b.at);
}

export interface SimResult {
  log: string[];
  /** Seconds at which a failover service was held by more than one node, and where. */
  doubleStarts: string[];
}

export function simulate(clusterInput: ScenarioCluster, events: readonly ScenarioEvent[]): SimResult {
  const cluster = ScenarioCluster.parse(clusterInput);
  const services: ServicePolicy[] = cluster.services.map((s) => ({ ...s, nodes: s.nodes ?? cluster.nodes }));
  const spec = new Map(cluster.services.map((s) => [s.name, s]));
  const cuts = new Set<string>();
  const pair = (a: string, b: string) => [a, b].sort().join('|');
  const log: string[] = [];
  const doubleStarts: string[] = [];
  const lastDouble = new Map<string, string>();
  const end = events.find((e) => e.event === 'end')?.at ?? Math.max(0, ...events.map((e) => e.at)) + 10;
  let t = 0;
  const say = (who: string, what: string) => log.push(`${String(t).padStart(4)} ${who.padEnd(5)} ${what}`);

  const nodes = new Map<string, SimNode>(
    cluster.nodes.map((name) => [
      name,
      { name, powered: true, bootedAt: 0, frozen: false, hbLost: false, arbCut: false, heard: new Map(), orchestrator: new Orchestrator(), instances: new Map(), hadQuorum: true },
    ]),
  );
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
  const viewOf = (n: SimNode): NodeView => ({
    frozen: n.frozen,
    hears: [...n.heard.entries()].filter(([, h]) => t - h.at < cluster.timeout).map(([p]) => p),
    services: Object.fromEntries(
      services.map((s): [string, InstanceView] => {
        const i = instance(n, s.name);
        return [s.name, { avail: i.state, overall: i.state, frozen: i.frozen, startFailed: i.startFailed, csum: '', mtime: 0, ...(i.moving ? { moving: i.moving } : {}) }];
      }),
    ),
  });

  const apply = (e: ScenarioEvent) => {
    const [a, b] = e.args;
    say('--', `${e.event}${e.args.length ? ' ' + e.args.join(' ') : ''}`);
    switch (e.event) {
      case 'node-down': {
        const n = node(a);
        n.powered = false;
        n.heard.clear();
        n.instances.clear();
        n.orchestrator = new Orchestrator();
        break;
      }
      case 'node-up': {
        const n = node(a);
        Object.assign(n, { powered: true, bootedAt: t, hadQuorum: true });
        break;
      }
      case 'net-cut':
        cuts.add(pair(a!, b!));
        break;
      case 'net-heal':
        cuts.delete(pair(a!, b!));
        break;
      case 'hb-loss':
        node(a).hbLost = true;
        break;
      case 'hb-return':
        node(a).hbLost = false;
        break;
      case 'arb-cut':
        node(a).arbCut = true;
        break;
      case 'arb-heal':
        node(a).arbCut = false;
        break;
      case 'resource-fail': {
        const i = instance(node(b), a!);
        if (i.state === 'up') i.state = 'down';
        break;
      }
      case 'start-fail':
        instance(node(b), a!).failing = true;
        break;
      case 'start-ok': {
        const i = instance(node(b), a!);
        Object.assign(i, { failing: false, startFailed: false });
        break;
      }
      case 'freeze':
      case 'thaw':
        for (const n of b ? [node(b)] : nodes.values()) instance(n, a!).frozen = e.event === 'freeze';
        break;
      case 'freeze-node':
      case 'thaw-node':
        node(a).frozen = e.event === 'freeze-node';
        break;
      case 'set': {
        // A config change every node reads: `set SVC flexMin 3`.
        const svc = services.find((x) => x.name === a);
        const value = e.args[2] ?? '';
        if (!svc || !['flexMin', 'flexMax', 'orchestrate', 'failback'].includes(b ?? '')) throw new Error(`set: expected "set SERVICE flexMin|flexMax|orchestrate|failback VALUE": ${e.args.join(' ')}`);
        Object.assign(svc, { [b!]: b === 'failback' ? value === 'true' : b === 'orchestrate' ? value : Number(value) });
        break;
      }
      case 'switch': {
        // `switch SVC FROM TO`: svcmgr stops it on FROM, then starts it on TO over ssh, FROM marked moving meanwhile.
        const s = spec.get(a!)!;
        Object.assign(instance(node(b), a!), { state: 'stopping', until: t + s.stopTime, moving: e.args[2] });
        break;
      }
      case 'end':
        break;
    }
  };

  const queue = [...events];
  for (t = 0; t <= end; t++) {
    while (queue.length && queue[0]!.at <= t) apply(queue.shift()!);
    const live = [...nodes.values()].filter((n) => n.powered);
    // Actions in progress finish.
    for (const n of live) {
      for (const [svc, i] of n.instances) {
        if (i.state === 'starting' && t >= i.until) {
          if (i.failing) {
            Object.assign(i, { state: 'down', startFailed: true });
            say(n.name, `${svc} start failed`);
          } else {
            Object.assign(i, { state: 'up', startFailed: false });
            say(n.name, `${svc} up`);
            for (const other of live) if (instance(other, svc).moving === n.name) instance(other, svc).moving = undefined;
          }
        } else if (i.state === 'stopping' && t >= i.until) {
          i.state = 'down';
          say(n.name, `${svc} down`);
          if (i.moving) {
            const to = instance(node(i.moving), svc);
            Object.assign(to, { state: 'starting', until: t + spec.get(svc)!.startTime });
            say(i.moving, `start ${svc} (switch from ${n.name})`);
          }
        }
      }
    }
    // Heartbeats: every live node's view reaches the peers its links and its sender allow.
    const views = new Map(live.map((n) => [n.name, viewOf(n)]));
    for (const from of live) {
      if (from.hbLost) continue;
      for (const to of live) {
        if (to !== from && !cuts.has(pair(from.name, to.name))) to.heard.set(from.name, { at: t, view: views.get(from.name)! });
      }
    }
    const arbSeen = live.filter((n) => !n.arbCut).map((n) => n.name);
    // Every node decides on what it heard, then the decisions take effect.
    const decisions = live.map((n) => {
      const alive = aliveNodes(n.name, n.heard, t, cluster.timeout);
      const q = quorum({ nodes: cluster.nodes, alive, ...(cluster.arbitrator ? { arbitrator: { reachable: !n.arbCut, seen: n.arbCut ? [] : arbSeen } } : {}) });
      const ready = t - n.bootedAt >= cluster.timeout;
      if (ready && q.quorum !== n.hadQuorum) say(n.name, q.quorum ? `quorum regained: ${q.reason}` : `quorum lost: ${q.reason}`);
      if (ready) n.hadQuorum = q.quorum;
      const known: Record<string, NodeView> = { [n.name]: views.get(n.name)! };
      for (const p of alive) if (p !== n.name) known[p] = n.heard.get(p)!.view;
      return { n, list: n.orchestrator.decide({ self: n.name, ready, quorum: q.quorum, fence: cluster.fence, alive, views: known, services }) };
    });
    for (const { n, list } of decisions) {
      for (const d of list) {
        const i = instance(n, d.service);
        const s = spec.get(d.service)!;
        say(n.name, `${d.action} ${d.service} (${d.reason})`);
        Object.assign(i, d.action === 'start' ? { state: 'starting', until: t + s.startTime } : { state: 'stopping', until: t + s.stopTime });
      }
    }
    // The invariant the scenarios check: a failover service is up on one node at most.
    for (const s of services.filter((x) => x.topology === 'failover')) {
      const holders = live.filter((n) => instance(n, s.name).state === 'up').map((n) => n.name);
      const line = holders.length > 1 ? `${s.name} up on ${holders.join(',')}` : '';
      if (line && line !== lastDouble.get(s.name)) {
        say('!!', line);
        doubleStarts.push(`${t} ${line}`);
      }
      lastDouble.set(s.name, line);
    }
  }
  return { log, doubleStarts };
}
