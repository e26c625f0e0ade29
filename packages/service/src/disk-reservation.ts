// The bound `<rid>pr` resource of a disk section with scsireserv = true: at
// every action it asks the disk's driver for its devices (they change: a VG
// gains a PV, an md array is assembled from other paths) and runs the
// disk.scsireserv driver on them. A disk with no device reserves nothing:
// n/a, as OpenSVC's reservation with no disk.
import type { ActionContext, Resource, ResourceStatus } from '@capsule/core';

/** `create(devs)` makes the disk.scsireserv driver's resource on those devices. */
export function diskReservation(rid: string, disk: Resource, create: (devs: string[]) => Resource): Resource {
  let seen: string[] | undefined;
  const devices = async (ctx: ActionContext): Promise<string[]> => {
    seen = disk.devices ? [...new Set(await disk.devices(ctx))].sort() : [];
    return seen;
  };
  const none = (): string => `${disk.rid} has no device to reserve`;
  return {
    rid,
    // OpenSVC's label: the devices, or "preserv 0 scsi disk"; known once status or an action asked for them.
    label: () => (seen === undefined ? `preserv ${disk.rid}` : seen.length ? seen.join(' ') : 'preserv 0 scsi disk'),
    async start(ctx) {
      const devs = await devices(ctx);
      if (!devs.length) return ctx.log.info(`${rid}: ${none()}`);
      await create(devs).start(ctx);
    },
    async stop(ctx) {
      const devs = await devices(ctx);
      if (devs.length) await create(devs).stop(ctx);
    },
    async status(ctx): Promise<ResourceStatus> {
      const devs = await devices(ctx);
      if (!devs.length) return { status: 'n/a', log: [`info: ${none()}`] };
      return create(devs).status(ctx);
    },
  };
}
