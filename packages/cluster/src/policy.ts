// How a service asks to be orchestrated: the [DEFAULT] keywords the
// orchestrator reads, as every node evaluates them.
export interface ServicePolicy {
  name: string;
  topology: 'failover' | 'flex';
  orchestrate: 'no' | 'start' | 'ha';
  placement: string;
  /** In order: the first eligible live node is the placement leader. */
  nodes: string[];
  flexMin: number;
  /** Defaults to the number of nodes. */
  flexMax?: number;
  failback: boolean;
  /** Failover: before starting here, fence (power off) every node of the service outside the partition, and see it succeed. */
  stonith: boolean;
  /** Services (`svc` or `svc@node`) that must be up before the daemon starts this one. */
  parents?: string[];
  /** Services that must be down everywhere before the daemon stops this one for its target. */
  children?: string[];
  /** Services that must run on a node for this one to start there, or must not. */
  hardAffinity?: string[];
  hardAntiAffinity?: string[];
  /** Services whose nodes come first, or last, among the candidates. */
  softAffinity?: string[];
  softAntiAffinity?: string[];
  /** The daemon decides for services of lower priority first (default 100). */
  priority?: number;
  /** Flex: instances to keep up (default flex_min). */
  flexTarget?: number;
}
