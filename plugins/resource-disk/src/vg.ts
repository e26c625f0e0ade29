// disk.vg (alias disk.lvm): an LVM2 volume group moved between nodes the
// OpenSVC way, with host tags: start tags the VG with this node's name and
// activates it, stop deactivates it and removes the tag. With lvm.conf's
// `volume_list = ["@*"]` (tags/hosttags = 1) only the tagged node can
// activate it. A VG another node has tagged is taken over, as OpenSVC does,
// with a warning: capsule starts a failover service only once its last
// holder is known gone (the daemon's start rule) or stopped (the CLI
// refuses a service running elsewhere), so the tag left is a dead node's.
import type { ActionContext, Resource, ResourceInit, ResourceStatus } from '@capsule/core';
import { deviceMissing, missingKeyword, refused } from './errors.js';
import type { DiskConfig } from './index.js';
import { lvm, lvReport, pvsOf, vgReport } from './lvm.js';
import { lvActive, lvPartial, vgBlocker, type LvReport, type VgReport } from './lvm-report.js';

interface Seen {
  vg: VgReport;
  lvs: LvReport[];
  active: LvReport[];
}

export class DiskVg implements Resource {
  readonly rid: string;
  private readonly name: string;
  private readonly tag: string;
  private readonly peers: Set<string>;

  constructor(init: ResourceInit<DiskConfig>) {
    this.rid = init.rid;
    if (!init.config.name) throw missingKeyword(init.rid, 'vg', 'name', 'vg1');
    this.name = init.config.name;
    this.tag = init.nodename;
    this.peers = new Set([...init.service.nodes, ...init.service.drpnodes].filter((n) => n !== init.nodename));
  }

  label(): string {
    return `vg ${this.name}`;
  }

  /** Its PVs, active or not (what a scsireserv = true reserves). */
  devices(ctx: ActionContext): Promise<string[]> {
    return pvsOf(ctx, this.rid, this.name);
  }

  private async seen(ctx: ActionContext): Promise<Seen | undefined> {
    const vg = await vgReport(ctx, this.rid, this.name);
    if (!vg) return undefined;
    const lvs = (await lvReport(ctx, this.rid, this.name)) ?? [];
    return { vg, lvs, active: lvs.filter((l) => lvActive(l.attr)) };
  }

  private otherNodes(vg: VgReport): string[] {
    return vg.tags.filter((t) => this.peers.has(t));
  }

  async status(ctx: ActionContext): Promise<ResourceStatus> {
    const s = await this.seen(ctx);
    if (!s) return { status: 'down', log: [`volume group ${this.name} not found`] };
    const log: string[] = [];
    const blocker = vgBlocker(s.vg.attr);
    if (blocker) log.push(`warn: ${this.name} ${blocker}`);
    const partialLvs = s.lvs.filter((l) => lvPartial(l.attr)).map((l) => l.name);
    if (partialLvs.length && !blocker) log.push(`warn: partial logical volumes: ${partialLvs.join(', ')}`);
    const others = this.otherNodes(s.vg);
    const mine = s.vg.tags.includes(this.tag);
    // OpenSVC: up when an LV is active; a VG without LVs is up when tagged here.
    const up = s.lvs.length ? s.active.length > 0 : mine;
    if (up && others.length) log.push(`warn: ${this.name} is active here but tagged by ${others.join(', ')}`);
    if (up) return { status: log.length ? 'warn' : 'up', log };
    if (others.length) log.push(`${this.name} is tagged by ${others.join(', ')}, not by ${this.tag}`);
    else if (mine) log.push(`${this.name} is tagged by ${this.tag} but none of its ${s.lvs.length} logical volumes is active`);
    else log.push(`${this.name} is not active here (no logical volume active, not tagged by ${this.tag})`);
    return { status: 'down', log };
  }

  async start(ctx: ActionContext): Promise<void> {
    const s = await this.seen(ctx);
    if (!s) throw deviceMissing(this.rid, `volume group ${this.name} not found`, `check that its PVs are visible on this node (pvs, pvscan --cache) and ${this.rid}.name`);
    const blocker = vgBlocker(s.vg.attr);
    if (blocker) throw refused(this.rid, `volume group ${this.name} ${blocker}; not activated`, 'repair the VG with lvm2 (vgs -o +attr shows why), then start again');
    const others = this.otherNodes(s.vg);
    if (others.length) ctx.log.warn(`${this.rid}: ${this.name} is tagged by ${others.join(', ')}: taking it over`);
    // As OpenSVC: any tag but this node's goes (the previous owner's, or stale ones).
    for (const t of s.vg.tags.filter((x) => x !== this.tag)) {
      await lvm(ctx, this.rid, ['vgchange', '--deltag', `@${t}`, this.name], 'see vgchange(8)');
      ctx.log.info(`${this.rid}: tag ${t} removed from ${this.name}`);
    }
    if (!s.vg.tags.includes(this.tag)) {
      await lvm(ctx, this.rid, ['vgchange', '--addtag', `@${this.tag}`, this.name], 'see vgchange(8)');
      ctx.log.info(`${this.rid}: ${this.name} tagged ${this.tag}`);
    }
    if (s.active.length || !s.lvs.length) return;
    await lvm(ctx, this.rid, ['vgchange', '-a', 'y', this.name], 'see vgchange(8)');
    const after = await this.seen(ctx);
    if (!after?.active.length) {
      throw refused(this.rid, `vgchange -a y ${this.name} activated no logical volume`, `check activation/volume_list in lvm.conf: it must let this node (tag @${this.tag}, or "@*" with tags/hosttags = 1) activate ${this.name}`);
    }
    ctx.log.info(`${this.rid}: ${after.active.length} logical volume(s) of ${this.name} active`);
  }

  async stop(ctx: ActionContext): Promise<void> {
    const s = await this.seen(ctx);
    if (!s) return;
    if (s.active.length) {
      await lvm(ctx, this.rid, ['vgchange', '-a', 'n', this.name], `stop what uses the logical volumes of ${this.name} (lsblk, fuser -vm), then stop again`);
      ctx.log.info(`${this.rid}: ${this.name} deactivated`);
    }
    if (s.vg.tags.includes(this.tag)) {
      await lvm(ctx, this.rid, ['vgchange', '--deltag', `@${this.tag}`, this.name], 'see vgchange(8)');
      ctx.log.info(`${this.rid}: tag ${this.tag} removed from ${this.name}`);
    }
  }
}
