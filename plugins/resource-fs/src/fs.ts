// A filesystem mounted on a mount point: mount, then its root's owner and
// permissions (and a zfs dataset's quotas); umount (never a busy one);
// status from the kernel's mount table and a bounded stat of the mount point.
import { CapsuleError, isCapsuleError, type ActionContext, type Resource, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { FsCode } from './codes.js';
import { statMountPoint } from './inode.js';
import type { keywords } from './keywords.js';
import { parseMountinfo, type Mount } from './mountinfo.js';
import { applyOwnership, drift, wantedOf, type Wanted } from './owner.js';
import { REFQUOTA_DEFAULT } from './values.js';
import { applyQuotas, wantedQuotas } from './zfs.js';

/** OpenSVC's default stat_timeout, for a section the config layer did not default (a driver test). */
const STAT_TIMEOUT_S = 5;

export type FsConfig = SectionConfig<typeof keywords>;

export class Fs implements Resource {
  readonly rid: string;
  private readonly cfg: FsConfig;

  constructor(init: ResourceInit<FsConfig>) {
    this.rid = init.rid;
    this.cfg = init.config;
    // Trailing slashes would never match the mount table.
    this.cfg.mnt = this.cfg.mnt.replace(/(.)\/+$/, '$1');
  }

  label(): string {
    return `${this.cfg.dev}@${this.cfg.mnt}`;
  }

  private async mounted(ctx: ActionContext): Promise<Mount | undefined> {
    const r = await ctx.exec(['cat', '/proc/self/mountinfo']);
    if (r.code !== 0) throw new CapsuleError('MountTableUnreadable', `${this.rid}: cannot read /proc/self/mountinfo: ${r.stderr.trim()}`, { hint: 'is /proc mounted?' });
    // The last mount on a mount point is the one that shows.
    return parseMountinfo(r.stdout).filter((m) => m.mountpoint === this.cfg.mnt).pop();
  }

  private async sameSource(ctx: ActionContext, m: Mount): Promise<boolean> {
    if (m.source === this.cfg.dev) return true;
    const real = await ctx.exec(['realpath', '-e', this.cfg.dev]);
    if (real.code === 0 && real.stdout.trim() === m.source) return true;
    // A loop-mounted image shows as /dev/loopN: ask losetup which file backs it.
    if (m.source.startsWith('/dev/loop')) {
      const back = await ctx.exec(['losetup', '-n', '-O', 'BACK-FILE', m.source]);
      return back.code === 0 && back.stdout.trim() === (real.stdout.trim() || this.cfg.dev);
    }
    return false;
  }

  private get statTimeout(): number {
    return this.cfg.stat_timeout ?? STAT_TIMEOUT_S;
  }

  async status(ctx: ActionContext): Promise<ResourceStatus> {
    const m = await this.mounted(ctx);
    if (!m) return { status: 'down', log: [] };
    if (!(await this.sameSource(ctx, m))) return { status: 'warn', log: [`warn: ${this.cfg.mnt} is mounted from ${m.source}, not ${this.cfg.dev}`] };
    const st = await statMountPoint(ctx, this.cfg.mnt, this.statTimeout);
    if ('hung' in st) return { status: 'warn', log: [`warn: ${this.cfg.mnt} did not answer stat within ${this.statTimeout}s (stat_timeout): its server or device does not respond`] };
    if ('failed' in st) return { status: 'warn', log: [`warn: stat ${this.cfg.mnt} failed: ${st.failed}`] };
    // As OpenSVC: owner and permissions that drifted are reported, the filesystem is still up.
    let wanted: Wanted;
    try {
      wanted = await wantedOf(ctx, this.rid, this.cfg);
    } catch (e) {
      if (!isCapsuleError(e) || e.code !== FsCode.OwnerUnknown) throw e;
      return { status: 'up', log: [`warn: ${e.message.slice(this.rid.length + 2)}`] };
    }
    return { status: 'up', log: drift(wanted, st.inode).map((l) => `warn: ${l}`) };
  }

  async start(ctx: ActionContext): Promise<void> {
    // Checked before mounting: an unknown user leaves nothing half done.
    const wanted = await wantedOf(ctx, this.rid, this.cfg);
    const mountedHere = !(await this.mounted(ctx));
    if (mountedHere) await this.mount(ctx);
    try {
      await this.afterMount(ctx, wanted);
    } catch (e) {
      // What this start mounted goes back down: the engine rolls back the resources that started, not this one.
      if (mountedHere) await ctx.exec(['umount', this.cfg.mnt]);
      throw e;
    }
  }

  /** OpenSVC's fs.directory start: the mounted root takes user, group and perm; a zfs dataset its quotas. */
  private async afterMount(ctx: ActionContext, wanted: Wanted): Promise<void> {
    if (wanted.uid !== undefined || wanted.gid !== undefined || wanted.mode !== undefined) {
      const st = await statMountPoint(ctx, this.cfg.mnt, this.statTimeout);
      if (!('inode' in st)) {
        throw new CapsuleError(FsCode.StatFailed, `${this.rid}: cannot read the owner of ${this.cfg.mnt}: ${'hung' in st ? `no answer within ${this.statTimeout}s` : st.failed}`, {
          hint: `check the device or server of ${this.cfg.mnt}`,
          details: { rid: this.rid },
        });
      }
      await applyOwnership(ctx, this.rid, this.cfg.mnt, wanted, st.inode);
    }
    if (this.cfg.type === 'zfs') await applyQuotas(ctx, this.rid, this.cfg.dev, wantedQuotas({ ...this.cfg, refquota: this.cfg.refquota ?? REFQUOTA_DEFAULT }));
  }

  private async mount(ctx: ActionContext): Promise<void> {
    await ctx.exec(['mkdir', '-p', this.cfg.mnt]);
    const argv = ['mount', ...(this.cfg.type ? ['-t', this.cfg.type] : []), ...(this.cfg.mnt_opt ? ['-o', this.cfg.mnt_opt] : []), this.cfg.dev, this.cfg.mnt];
    const r = await ctx.exec(argv);
    if (r.code !== 0) {
      throw new CapsuleError('MountFailed', `${this.rid}: ${argv.join(' ')} failed: ${r.stderr.trim()}`, {
        hint: r.code === 127 ? 'install util-linux (mount)' : `check ${this.cfg.dev} and the ${this.rid} keywords`,
        details: { rid: this.rid },
      });
    }
  }

  async stop(ctx: ActionContext): Promise<void> {
    if (!(await this.mounted(ctx))) return;
    const r = await ctx.exec(['umount', this.cfg.mnt]);
    if (r.code === 0) return;
    if (/busy/i.test(r.stderr)) {
      const holders = await this.holders(ctx);
      throw new CapsuleError('FsBusy', `${this.rid}: ${this.cfg.mnt} is busy${holders ? `, used by ${holders}` : ''}; not unmounted`, {
        hint: `stop what uses ${this.cfg.mnt} (fuser -vm ${this.cfg.mnt}), then stop again`,
        details: { rid: this.rid },
      });
    }
    throw new CapsuleError('UmountFailed', `${this.rid}: umount ${this.cfg.mnt} failed: ${r.stderr.trim()}`, { hint: 'see dmesg', details: { rid: this.rid } });
  }

  /** `pid (command)` of the processes using the filesystem, from fuser when installed. */
  private async holders(ctx: ActionContext): Promise<string> {
    const r = await ctx.exec(['fuser', '-m', this.cfg.mnt]);
    const pids = [...r.stdout.matchAll(/(\d+)/g)].map((m) => m[1]!);
    const named = await Promise.all(
      pids.map(async (pid) => {
        const c = await ctx.exec(['cat', `/proc/${pid}/comm`]);
        return c.code === 0 ? `${pid} (${c.stdout.trim()})` : pid;
      }),
    );
    return named.join(', ');
  }
}
