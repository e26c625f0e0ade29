// The service as pure data: everything the engine, the orchestrator and the
// simulator need to know from the evaluated file, without drivers and
// without I/O. Serializable (JSON round-trips it), so a daemon can hold and
// compare it, and the orchestration simulator can build one by hand.
import type { EvaluatedConfig, EvaluatedSection } from '@capsule/config';
import type { CapsuleError } from '@capsule/core';
import { withReservations } from './reservations.js';

export type Level = 'hypervisor' | 'encap';

export interface ResourceSpec {
  rid: string;
  group: string;
  type?: string;
  tags: string[];
  subset?: string;
  disable: boolean;
  optional: boolean;
  monitor: boolean;
  /** Local restarts the daemon tries before failing the service over. */
  restart: number;
  /** `restart_delay`: the least seconds between two of those restarts. */
  restartDelay: number;
  standby: boolean;
  encap: boolean;
  /** pre_start, blocking_post_stop...: keyword -> shell command. */
  hooks: Record<string, string>;
  /** App sequence numbers (`start`, `stop` keywords of app resources). */
  startSeq?: number;
  stopSeq?: number;
  /** The section's evaluated keywords, defaults applied: what its driver's create gets. */
  config: Record<string, unknown>;
  /** A reservation made for a disk section's `scsireserv = true`: the rid of that disk, whose devices it reserves. */
  reserves?: string;
}

export interface ServiceSpec {
  svcname: string;
  nodename: string;
  level: Level;
  nodes: string[];
  drpnodes: string[];
  encapnodes: string[];
  topology: 'failover' | 'flex';
  flex: { min: number; max: number; primary: string | undefined };
  orchestrate: 'no' | 'start' | 'ha';
  placement: string;
  failback: boolean;
  /** Fence the lost nodes of a failover service before taking it over (the agent runs node.conf's [stonith#NODE] cmd). */
  stonith: boolean;
  monitorAction?: string;
  /** A failed start stops what it started (`rollback`, default true). */
  rollback: boolean;
  /** Seconds an action waits for the service lock (`lock_timeout`). */
  lockTimeout: number;
  /** The daemon's placement rules between services ([DEFAULT] parents, children, affinities, priority, flex_target). */
  relations: ServiceRelations;
  env: Record<string, string>;
  resources: ResourceSpec[];
  subsets: Record<string, { parallel: boolean }>;
}

export interface ServiceRelations {
  priority: number;
  parents: string[];
  children: string[];
  hardAffinity: string[];
  hardAntiAffinity: string[];
  softAffinity: string[];
  softAntiAffinity: string[];
  /** Flex: instances to keep up, between flex min and max. */
  flexTarget?: number;
}

const HOOK = /^(blocking_)?(pre|post)_/;

const names = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

function resourceSpec(s: EvaluatedSection, level: Level): ResourceSpec | undefined {
  if (s.kind.kind !== 'resource') return undefined;
  const v = s.values;
  const tags = Array.isArray(v['tags']) ? (v['tags'] as string[]) : [];
  // Evaluation folds `tags = encap` into encap.
  const encap = v['encap'] === true;
  // Containers are never encap; an encap resource in a guest is simply a resource there.
  if (level === 'encap' && !encap) return undefined;
  const hooks = Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => HOOK.test(e[0]) && typeof e[1] === 'string'));
  const app = s.kind.group === 'app';
  const r: ResourceSpec = {
    rid: s.name,
    group: s.kind.group,
    tags,
    disable: v['disable'] === true,
    optional: v['optional'] === true,
    monitor: v['monitor'] === true,
    restart: num(v['restart'], 0),
    restartDelay: num(v['restart_delay'], 0),
    standby: v['standby'] === true,
    encap,
    hooks,
    config: v,
  };
  const type = str(v['type']);
  const subset = str(v['subset']);
  if (type !== undefined) r.type = type;
  if (subset !== undefined) r.subset = subset;
  if (app && typeof v['start'] === 'number') r.startSeq = v['start'];
  if (app && typeof v['stop'] === 'number') r.stopSeq = v['stop'];
  return r;
}

export function levelOf(cfg: Pick<EvaluatedConfig, 'sets' | 'nodename'>): Level {
  return cfg.sets.encapnodes.includes(cfg.nodename) ? 'encap' : 'hypervisor';
}

/** Sections whose keywords could not be evaluated, by rid: the runtime fails only what needs them. */
export function brokenSections(cfg: EvaluatedConfig): Map<string, CapsuleError> {
  const out = new Map<string, CapsuleError>();
  for (const s of cfg.sections) {
    const first = Object.values(s.errors)[0];
    if (first) out.set(s.name, first);
  }
  return out;
}

export function specOf(cfg: EvaluatedConfig): ServiceSpec {
  const level = levelOf(cfg);
  const d = cfg.sections.find((s) => s.kind.kind === 'default')?.values ?? {};
  const subsets: ServiceSpec['subsets'] = {};
  for (const s of cfg.sections) {
    if (s.kind.kind === 'subset') subsets[`${s.kind.group}:${s.kind.name}`] = { parallel: s.values['parallel'] === true };
  }
  const nodes = cfg.sets.nodes;
  const spec: ServiceSpec = {
    svcname: cfg.svcname,
    nodename: cfg.nodename,
    level,
    nodes,
    drpnodes: cfg.sets.drpnodes,
    encapnodes: cfg.sets.encapnodes,
    topology: d['topology'] === 'flex' ? 'flex' : 'failover',
    flex: { min: num(d['flex_min'], 1), max: num(d['flex_max'], nodes.length), primary: str(d['flex_primary']) ?? nodes[0] },
    orchestrate: d['orchestrate'] === 'ha' || d['orchestrate'] === 'start' ? d['orchestrate'] : 'no',
    placement: str(d['placement']) ?? 'nodes order',
    failback: d['failback'] === true,
    stonith: d['stonith'] === true,
    rollback: d['rollback'] !== false,
    lockTimeout: num(d['lock_timeout'], 60),
    relations: {
      priority: num(d['priority'], 100),
      parents: names(d['parents']),
      children: names(d['children']),
      hardAffinity: names(d['hard_affinity']),
      hardAntiAffinity: names(d['hard_anti_affinity']),
      softAffinity: names(d['soft_affinity']),
      softAntiAffinity: names(d['soft_anti_affinity']),
      ...(typeof d['flex_target'] === 'number' ? { flexTarget: d['flex_target'] } : {}),
    },
    env: cfg.env,
    resources: withReservations(cfg.sections.map((s) => resourceSpec(s, level)).filter((r): r is ResourceSpec => r !== undefined)),
    subsets,
  };
  const monitorAction = str(d['monitor_action']);
  if (monitorAction !== undefined) spec.monitorAction = monitorAction;
  return spec;
}
