// A pool's health as `zpool list -o health` prints it (the vdev states of
// zpool_state_to_name), judged as OpenSVC's disk.zpool judges it. No I/O.
import type { ResourceStatus } from '@capsule/core';

/**
 * ONLINE is up. DEGRADED and SUSPENDED are imported but in trouble: OpenSVC
 * reports them up with a warning, which is warn here. FAULTED, UNAVAIL,
 * OFFLINE and REMOVED are down, as OpenSVC's is_up says.
 */
export function statusOfHealth(pool: string, health: string): ResourceStatus {
  switch (health) {
    case 'ONLINE':
      return { status: 'up', log: [] };
    case 'DEGRADED':
      return { status: 'warn', log: [`warn: pool ${pool} is DEGRADED: a device is missing or failing (zpool status ${pool})`] };
    case 'SUSPENDED':
      return { status: 'warn', log: [`warn: pool ${pool} I/O is currently suspended (zpool status ${pool}, then zpool clear ${pool})`] };
    default:
      return { status: 'down', log: [`warn: pool ${pool} is imported but ${health || 'of unknown health'}`] };
  }
}
