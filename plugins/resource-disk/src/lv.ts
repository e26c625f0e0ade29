// disk.lv: one logical volume activated and deactivated with lvchange.
import type { ActionContext, Resource, ResourceInit, ResourceStatus } from '@capsule/core';
import { deviceMissing, missingKeyword, refused } from './errors.js';
import type { DiskConfig } from './index.js';
import { lvm, lvReport, pvsOf } from './lvm.js';
import { lvActive, lvPartial } from './lvm-report.js';

export class DiskLv implements Resource {
  readonly rid: string;
  private readonly full: string;

  constructor(init: ResourceInit<DiskConfig>) {
    this.rid = init.rid;
    if (!init.config.name) throw missingKeyword(init.rid, 'lv', 'name', 'lv1');
    if (!init.config.vg) throw missingKeyword(init.rid, 'lv', 'vg', 'vg1');
    this.full = `${init.config.vg}/${init.config.name}`;
  }

  label(): string {
    return `lv ${this.full}`;
  }

  /** The PVs its segments are on (lvs -o devices, as OpenSVC). */
  devices(ctx: ActionContext): Promise<string[]> {
    return pvsOf(ctx, this.rid, this.full);
  }

  private async attr(ctx: ActionContext): Promise<string | undefined> {
    return (await lvReport(ctx, this.rid, this.full))?.[0]?.attr;
  }

  async status(ctx: ActionContext): Promise<ResourceStatus> {
    const attr = await this.attr(ctx);
    if (attr === undefined) return { status: 'down', log: [`logical volume ${this.full} not found`] };
    const log = lvPartial(attr) ? [`warn: ${this.full} is partial: some of its PVs are missing`] : [];
    if (lvActive(attr)) return { status: log.length ? 'warn' : 'up', log };
    return { status: 'down', log: [...log, `${this.full} is not active (attr ${attr})`] };
  }

  async start(ctx: ActionContext): Promise<void> {
    const attr = await this.attr(ctx);
    if (attr === undefined) throw deviceMissing(this.rid, `logical volume ${this.full} not found`, `check ${this.rid}.vg and ${this.rid}.name (lvs)`);
    if (lvActive(attr)) return;
    await lvm(ctx, this.rid, ['lvchange', '-a', 'y', this.full], 'see lvchange(8); a partial LV needs its missing PVs back');
    if (!lvActive((await this.attr(ctx)) ?? '')) {
      throw refused(this.rid, `lvchange -a y ${this.full} left it inactive`, 'check activation/volume_list in lvm.conf: it must let this node activate the LV (tag the VG or the LV)');
    }
    ctx.log.info(`${this.rid}: ${this.full} active`);
  }

  async stop(ctx: ActionContext): Promise<void> {
    const attr = await this.attr(ctx);
    if (attr === undefined || !lvActive(attr)) return;
    await lvm(ctx, this.rid, ['lvchange', '-a', 'n', this.full], `stop what uses /dev/${this.full} (lsblk, fuser -vm), then stop again`);
    ctx.log.info(`${this.rid}: ${this.full} deactivated`);
  }
}
