// disk.disk: a SAN disk known by its wwn (disk_id). Present when udev shows it
// (multipath first, as OpenSVC looks); n/a then, as in OpenSVC, since the
// array, not this node, decides whether it is there.
import type { ActionContext, Resource, ResourceInit, ResourceStatus } from '@capsule/core';
import { posix } from 'node:path';
import { deviceMissing } from './errors.js';
import type { DiskConfig } from './index.js';

export class DiskDisk implements Resource {
  readonly rid: string;
  private readonly wwid: string | undefined;
  private readonly byId: string;

  constructor(init: ResourceInit<DiskConfig>) {
    this.rid = init.rid;
    this.wwid = init.config.disk_id?.toLowerCase().replace(/^0x/, '');
    this.byId = posix.join(init.root, 'dev/disk/by-id');
  }

  label(): string {
    return this.wwid ? `disk ${this.wwid}` : 'unprovisioned disk';
  }

  /** The disk's device path once visible (none while unprovisioned or not mapped here). */
  async devices(ctx: ActionContext): Promise<string[]> {
    const dev = this.wwid ? await this.devpath(ctx) : undefined;
    return dev ? [dev] : [];
  }

  /** dm-uuid-mpath-[36]WWID (the multipath device), else wwn-0xWWID (one path). */
  private async devpath(ctx: ActionContext): Promise<string | undefined> {
    const candidates = ['3', '6'].map((p) => `${this.byId}/dm-uuid-mpath-${p}${this.wwid}`).concat(`${this.byId}/wwn-0x${this.wwid}`);
    for (const c of candidates) if ((await ctx.exec(['test', '-b', c])).code === 0) return c;
    return undefined;
  }

  async status(ctx: ActionContext): Promise<ResourceStatus> {
    if (!this.wwid) return { status: 'n/a', log: ['disk_id is not set: the disk is not provisioned'] };
    if (await this.devpath(ctx)) return { status: 'n/a', log: [] };
    return { status: 'down', log: [`no device for disk ${this.wwid} in ${this.byId} (dm-uuid-mpath-3${this.wwid} or wwn-0x${this.wwid})`] };
  }

  async start(ctx: ActionContext): Promise<void> {
    if (!this.wwid || (await this.devpath(ctx))) return;
    throw deviceMissing(this.rid, `disk ${this.wwid} is not visible on this node`, 'rescan the SCSI hosts (rescan-scsi-bus.sh) and check the array mapping and multipath -ll');
  }

  async stop(): Promise<void> {
    // The disk stays mapped: unmapping is the array's (unprovision), not a stop.
  }
}
