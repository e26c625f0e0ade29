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
}
