// OpenSVC's `scsireserv = true` on a disk section: the service gets a
// disk.scsireserv resource `<rid>pr` reserving that disk's devices, with the
// disk's prkey and no_preempt_abort, and its tags, subset, optional,
// disable, monitor, restart and standby (OpenSVC's svc.add_scsireserv).
// Pure: the devices are asked of the disk's driver when the reservation acts.
import type { ResourceSpec } from './spec.js';

/** The rid of the reservation of a disk section: `disk#1` -> `disk#1pr`. */
export const reservationRid = (rid: string): string => `${rid}pr`;

function reservationOf(disk: ResourceSpec): ResourceSpec {
  const c = disk.config;
  const config: Record<string, unknown> = { type: 'scsireserv', devs: [], no_preempt_abort: c['no_preempt_abort'] === true, promote_rw: false };
  if (typeof c['prkey'] === 'string') config['prkey'] = c['prkey'];
  const r: ResourceSpec = {
    rid: reservationRid(disk.rid),
    group: 'disk',
    type: 'scsireserv',
    tags: [...disk.tags],
    disable: disk.disable,
    optional: disk.optional,
    monitor: disk.monitor,
    restart: disk.restart,
    restartDelay: disk.restartDelay,
    standby: disk.standby,
    encap: disk.encap,
    // Triggers and requirements are the disk's own: OpenSVC gives the reservation none.
    hooks: {},
    config,
    reserves: disk.rid,
  };
  if (disk.subset !== undefined) r.subset = disk.subset;
  return r;
}

/**
 * The resources with, after each disk section that sets `scsireserv = true`,
 * its reservation. A section of that rid written in the file is kept and
 * nothing is added (it names its devices itself).
 */
export function withReservations(resources: readonly ResourceSpec[]): ResourceSpec[] {
  const rids = new Set(resources.map((r) => r.rid));
  return resources.flatMap((r) => {
    const wanted = r.group === 'disk' && r.type !== 'scsireserv' && r.config['scsireserv'] === true && !rids.has(reservationRid(r.rid));
    return wanted ? [r, reservationOf(r)] : [r];
  });
}
