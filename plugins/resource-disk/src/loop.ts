// disk.loop: a file attached to a loop device with losetup; an existing
// attachment of the file is reused, stop detaches every one.
import type { ActionContext, Resource, ResourceInit, ResourceStatus } from '@capsule/core';
import { tool } from '@capsule/driver-kit';
import { commandFailed, deviceMissing, missingKeyword } from './errors.js';
import type { DiskConfig } from './index.js';
import { promoteRw } from './promote.js';

const INSTALL = 'install util-linux (losetup)';

// No devices(): a loop device is what this resource exposes, a file what it
// holds; neither is a disk a SCSI reservation can take (OpenSVC's disk.loop
// has no sub devices either), so `scsireserv = true` here reserves nothing.
export class DiskLoop implements Resource {
  readonly rid: string;
  private readonly file: string;

  constructor(init: ResourceInit<DiskConfig>, private readonly cfg = init.config) {
    this.rid = init.rid;
    if (!cfg.file) throw missingKeyword(init.rid, 'loop', 'file', '/srv/images/data.img');
    this.file = cfg.file;
  }

  label(): string {
    return `loop ${this.file}`;
  }

  /** The loop devices backed by the file (losetup resolves the path as the kernel recorded it). */
  private async loops(ctx: ActionContext): Promise<string[]> {
    const argv = ['losetup', '-n', '-O', 'NAME', '-j', this.file];
    const r = await tool(ctx, this.rid, argv, { install: INSTALL });
    if (r.code !== 0) throw commandFailed(this.rid, argv, r, 'see losetup(8)');
    return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  }

  private async exists(ctx: ActionContext): Promise<boolean> {
    return (await ctx.exec(['test', '-f', this.file])).code === 0;
  }

  async status(ctx: ActionContext): Promise<ResourceStatus> {
    if ((await this.loops(ctx)).length) return { status: 'up', log: [] };
    if (!(await this.exists(ctx))) return { status: 'down', log: [`${this.file} does not exist`] };
    return { status: 'down', log: [`${this.file} is not attached to a loop device`] };
  }

  async start(ctx: ActionContext): Promise<void> {
    const current = await this.loops(ctx);
    if (current.length) {
      ctx.log.info(`${this.rid}: ${this.file} is already attached to ${current.join(', ')}`);
      return;
    }
    if (!(await this.exists(ctx))) throw deviceMissing(this.rid, `${this.file} does not exist`, `create it (truncate -s 100m ${this.file}) or fix ${this.rid}.file`);
    const argv = ['losetup', '-f', '--show', this.file];
    const r = await tool(ctx, this.rid, argv, { install: INSTALL });
    if (r.code !== 0) throw commandFailed(this.rid, argv, r, 'is the loop module loaded, and are loop devices left (losetup -a)?');
    const dev = r.stdout.trim();
    ctx.log.info(`${this.rid}: ${dev} now loops to ${this.file}`);
    if (this.cfg.promote_rw) await promoteRw(ctx, this.rid, [dev]);
  }

  async stop(ctx: ActionContext): Promise<void> {
    for (const dev of await this.loops(ctx)) {
      const argv = ['losetup', '-d', dev];
      const r = await tool(ctx, this.rid, argv, { install: INSTALL });
      // Detached meanwhile (by another stop, or autoclear): the goal is reached.
      if (r.code !== 0 && (await this.loops(ctx)).includes(dev)) throw commandFailed(this.rid, argv, r, `stop what holds ${dev} (lsblk ${dev}, fuser -vm ${dev}), then stop again`);
      ctx.log.info(`${this.rid}: ${dev} detached from ${this.file}`);
    }
  }
}
