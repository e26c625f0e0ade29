// A simulator scenario as written on disk: cluster.json (nodes, services,
// timing, fence commands that fail) and cmdlist (timed events, `T EVENT
// ARGS...` per line).
import { z } from 'zod';

const ServiceSpec = z.object({
  name: z.string(),
  topology: z.enum(['failover', 'flex']).default('failover'),
  orchestrate: z.enum(['no', 'start', 'ha']).default('ha'),
  placement: z.string().default('nodes order'),
  nodes: z.array(z.string()).optional(),
  flexMin: z.number().int().default(1),
  flexMax: z.number().int().optional(),
  failback: z.boolean().default(false),
  /** Fence every node of the service outside the partition before starting it (the fence powers the node off). */
  stonith: z.boolean().default(false),
  parents: z.array(z.string()).optional(),
  children: z.array(z.string()).optional(),
  hardAffinity: z.array(z.string()).optional(),
  hardAntiAffinity: z.array(z.string()).optional(),
  softAffinity: z.array(z.string()).optional(),
  softAntiAffinity: z.array(z.string()).optional(),
  priority: z.number().int().optional(),
  flexTarget: z.number().int().optional(),
  /** Seconds a start or a stop takes. */
  startTime: z.number().int().min(1).default(1),
  stopTime: z.number().int().min(1).default(1),
});

export const ScenarioCluster = z.object({
  nodes: z.array(z.string()).min(1),
  /** What carries membership and placement: heartbeats, or etcd (a store of leases and claims, sim-store.ts). */
  backend: z.enum(['hb', 'etcd']).default('hb'),
  arbitrator: z.boolean().default(false),
  /** `[cluster] quorum = true`: self-fencing, and the watchdog with it. */
  fence: z.boolean().default(false),
  /** Heartbeat timeout, seconds (the interval is one second, the simulator's tick). */
  timeout: z.number().int().min(1).default(3),
  /** Nodes whose fence command fails (a fence device unreachable): they are never fenced. */
  fenceFails: z.array(z.string()).default([]),
  services: z.array(ServiceSpec),
});
export type ScenarioCluster = z.input<typeof ScenarioCluster>;
export type ScenarioClusterParsed = z.output<typeof ScenarioCluster>;

export const EVENTS = [
  'node-down',
  'node-up',
  'net-cut',
  'net-heal',
  // One direction only: `link-cut FROM TO` loses FROM's heartbeats to TO.
  'link-cut',
  'link-heal',
  'hb-loss',
  'hb-return',
  'arb-cut',
  'arb-heal',
  // The agent process only: its services keep running (SIGKILL, SIGSTOP for N seconds, a restart).
  'agent-kill',
  'agent-start',
  'agent-restart',
  'pause',
  'resource-fail',
  'start-fail',
  'start-ok',
  'freeze',
  'thaw',
  'freeze-node',
  'thaw-node',
  'set',
  'switch',
  // `target SVC started|stopped NODE`: an administrator's `svcmgr start|stop` on NODE sets the service's target there
  // (a stop also stops what NODE holds of it; a start leaves the placement to the daemons), and the views spread it.
  'target',
  // etcd: the store loses its quorum and gets it back; a node's lease revoked early.
  'etcd-down',
  'etcd-up',
  'lease-revoke',
  'end',
] as const;

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

/** The cmdlist text of `events`: what a shrunk failing sequence is saved as. */
export function formatCmdlist(events: readonly ScenarioEvent[]): string {
  return events.map((e) => [e.at, e.event, ...e.args].join(' ')).join('\n') + '\n';
}
