// disk.raw: block devices the service owns: present, and given the owner,
// group and mode of the resource at start. Stop leaves them: they are the
// storage's, not ours to remove.
import type { ActionContext, Resource, ResourceInit, ResourceStatus } from '@capsule/core';
import { tool } from '@capsule/driver-kit';
import { commandFailed, deviceMissing, invalid, missingKeyword } from './errors.js';
import type { DiskConfig } from './index.js';
import { promoteRw } from './promote.js';

interface Node_ {
  dev: string;
  type: string;
  user: string;
  uid: string;
  group: string;
  gid: string;
  mode: string;
}

export class DiskRaw implements Resource {
  readonly rid: string;
  private readonly devs: string[];

  constructor(init: ResourceInit<DiskConfig>, private readonly cfg = init.config) {
    this.rid = init.rid;
    if (!cfg.devs?.length) throw missingKeyword(init.rid, 'raw', 'devs', '/dev/sdb');
    const mapped = cfg.devs.filter((d) => d.includes(':'));
    if (mapped.length) throw invalid(init.rid, `devs: src:dst mappings (${mapped.join(' ')}) are not supported on this platform yet`, 'name the devices themselves, or link them with a udev rule');
    if (cfg.zone) throw invalid(init.rid, 'zone: Solaris zones do not exist on Linux', `remove ${init.rid}.zone`);
    this.devs = cfg.devs;
  }

  label(): string {
    return `raw ${this.devs.join(' ')}`;
  }

  async devices(): Promise<string[]> {
    return [...this.devs];
  }

  private async nodes(ctx: ActionContext): Promise<Array<Node_ | string>> {
    return Promise.all(
      this.devs.map(async (dev) => {
        const r = await tool(ctx, this.rid, ['stat', '-L', '-c', '%F|%U|%u|%G|%g|%a', dev], { install: 'install coreutils (stat)' });
        if (r.code !== 0) return dev;
        const [type, user, uid, group, gid, mode] = r.stdout.trim().split('|') as [string, string, string, string, string, string];
        return { dev, type, user, uid, group, gid, mode };
      }),
    );
  }

  /** What differs from the owner, group and mode the resource asks for. */
  private drift(n: Node_): string[] {
    const out: string[] = [];
    const { user, group, perm } = this.cfg;
    if (user && user !== n.user && user !== n.uid) out.push(`owner ${n.user}, not ${user}`);
    if (group && group !== n.group && group !== n.gid) out.push(`group ${n.group}, not ${group}`);
    if (perm && Number.parseInt(perm, 8) !== Number.parseInt(n.mode, 8)) out.push(`mode ${n.mode}, not ${perm.replace(/^0(?=\d{3})/, '')}`);
    return out;
  }

  async status(ctx: ActionContext): Promise<ResourceStatus> {
    const nodes = await this.nodes(ctx);
    const missing = nodes.filter((n): n is string => typeof n === 'string');
    if (missing.length) return { status: 'down', log: [`${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist`] };
    const log: string[] = [];
    for (const n of nodes as Node_[]) {
      if (n.type !== 'block special file') log.push(`warn: ${n.dev} is a ${n.type}, not a block device`);
      const d = this.drift(n);
      if (d.length) log.push(`warn: ${n.dev}: ${d.join(', ')}`);
    }
    return { status: log.length ? 'warn' : 'up', log };
  }

  async start(ctx: ActionContext): Promise<void> {
    const nodes = await this.nodes(ctx);
    const missing = nodes.filter((n): n is string => typeof n === 'string');
    if (missing.length) throw deviceMissing(this.rid, `${missing.join(', ')}: no such device`, 'check the storage paths (lsblk, multipath -ll) or fix the devs keyword');
    if (this.cfg.promote_rw) await promoteRw(ctx, this.rid, this.devs);
    for (const n of nodes as Node_[]) {
      if (!this.drift(n).length) continue;
      const { user, group, perm } = this.cfg;
      const steps: string[][] = [];
      if (user || group) steps.push(['chown', `${user ?? ''}${group ? `:${group}` : ''}`, n.dev]);
      if (perm) steps.push(['chmod', perm, n.dev]);
      for (const argv of steps) {
        const r = await tool(ctx, this.rid, argv, { install: 'install coreutils' });
        if (r.code !== 0) throw commandFailed(this.rid, argv, r, `check the user, group and perm keywords of ${this.rid}`);
        ctx.log.info(`${this.rid}: ${argv.join(' ')}`);
      }
    }
  }

  async stop(): Promise<void> {
    // Nothing to undo: OpenSVC deletes only the raw char devices, which this kernel has no driver for.
  }
}
