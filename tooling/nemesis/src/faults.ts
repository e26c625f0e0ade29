// Injecting one fault into the test cluster and healing it: each kind is a
// pair of actions on one node (or on etcd members), the heal undoing
// exactly what the injection did.
import { NoAgent, until, type TestCluster } from '@capsule/testenv';
import { addLoss, healPartition, partition, removeLoss } from './firewall.js';
import { ON_ETCD, type FaultKind } from './schedule.js';

export interface FaultTarget {
  kind: FaultKind;
  /** The capsule node hit; for a fault on etcd members, their names joined by `+`. */
  node: string;
  /** The drop probability of a `loss` fault. */
  loss: number;
}

/** Undoes an injected fault. */
export type Heal = () => Promise<void>;

/** A kill or a pause needs the node's agent up: one just booted or restarted may not have written its pid yet. */
async function agentUp(c: TestCluster, node: string): Promise<void> {
  await until(`the agent of ${node} running`, () => c.agentPid(node).then(Boolean, (e: unknown) => (e instanceof NoAgent ? false : Promise.reject(e))), 60_000);
}

export async function inject(c: TestCluster, f: FaultTarget): Promise<Heal> {
  if (ON_ETCD.has(f.kind)) return injectEtcd(c, f);
  const n = c.node(f.node);
  switch (f.kind) {
    case 'power-off':
      await c.powerOff(f.node);
      return () => c.powerOn(f.node);
    case 'kill':
      // Its services and its watchdog run on; started again as systemd would, after the fault's duration.
      await c.killAgent(f.node);
      return async () => c.startDaemon(f.node);
    case 'pause':
      await c.signalAgent(f.node, 'SIGSTOP');
      return () => c.signalAgent(f.node, 'SIGCONT');
    case 'partition': {
      const peers = [...c.nodes.values()].filter((p) => p.name !== f.node).map((p) => p.addr);
      await partition(n.host, peers);
      return () => healPartition(n.host);
    }
    case 'loss':
      await addLoss(n.host, f.loss);
      return () => removeLoss(n.host, f.loss);
    case 'etcd-cut':
      await c.cutFromEtcd(f.node);
      return () => c.cutFromEtcd(f.node, true);
    default:
      throw new Error(`${f.kind} is not a fault on a capsule node`);
  }
}

/** A fault on etcd members (`node` names them, joined by `+`): killed and started again from their data, or paused and resumed. */
async function injectEtcd(c: TestCluster, f: FaultTarget): Promise<Heal> {
  const etcd = c.etcd;
  if (!etcd) throw new Error(`${f.kind}: the test cluster has no etcd`);
  const members = f.node.split('+');
  if (f.kind === 'etcd-pause') {
    for (const m of members) etcd.signal(m, 'SIGSTOP');
    return async () => {
      for (const m of members) etcd.signal(m, 'SIGCONT');
    };
  }
  for (const m of members) await etcd.kill(m);
  return async () => {
    for (const m of members) etcd.revive(m);
    await etcd.healthy(60_000);
  };
}

/** Waits for what the fault needs to be injectable (the agent's pid); separate so the injection time is the fault's own. */
export async function prepare(c: TestCluster, f: FaultTarget): Promise<void> {
  if (f.kind === 'kill' || f.kind === 'pause') await agentUp(c, f.node);
}
