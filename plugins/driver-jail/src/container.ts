// A FreeBSD jail as a capsule resource, made from the command line as
// OpenSVC did (no jail.conf): `jail -c` runs the jail's /etc/rc and waits
// for it; stop runs /etc/rc.shutdown in the jail, then `jail -r` removes the
// jail and kills what is left. Its guest is reached with jexec.
import { CapsuleError, ErrorCode, isCapsuleError, type ActionContext, type ContainerContext, type ContainerResource, type ExecOptions, type ExecResult, type GuestChannel, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { actionFailed, containerMissing, lastLine, tool, waitForGuest } from '@capsule/driver-kit';
import { existsSync } from 'node:fs';
import type { keywords } from './keywords.js';
import { parseJls, pickJail, startCreates, statusOfJail, type JlsJail } from './state.js';

export { pickJail };

export type JailConfig = SectionConfig<typeof keywords>;

const INSTALL = 'jail, jls and jexec are part of FreeBSD (/usr/sbin)';

export class JailContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;

  constructor(
    init: ResourceInit<JailConfig>,
    private readonly cfg = init.config,
  ) {
    this.rid = init.rid;
    this.guestName = cfg.hostname ?? cfg.name;
  }

  label(): string {
    return this.cfg.name;
  }

  private run(ctx: Pick<ActionContext, 'exec'>, argv: string[], o: ExecOptions = {}): Promise<ExecResult> {
    return tool(ctx, this.rid, argv, { install: INSTALL, ...o });
  }

  /** The jail as `jls -d --libxo json -v` lists it (dying jails too), or undefined when it does not exist. */
  private async jail(ctx: Pick<ActionContext, 'exec'>): Promise<JlsJail | undefined> {
    const r = await this.run(ctx, ['jls', '-d', '--libxo', 'json', '-v']);
    if (r.code !== 0) throw this.failed('jls', r);
    const jails = parseJls(r.stdout);
    if (!jails) {
      throw new CapsuleError(ErrorCode.ContainerActionFailed, `${this.rid}: jls --libxo json printed no jail list: ${lastLine(r.stdout)}`, { hint: 'check jls --libxo json -v by hand' });
    }
    return pickJail(jails, this.cfg.name);
  }

  async status(ctx: ContainerContext): Promise<ResourceStatus> {
    const j = await this.jail(ctx);
    return statusOfJail(this.cfg.name, j, j || existsSync(this.cfg.jailroot) ? undefined : this.cfg.jailroot);
  }

  /** `jail -c` with OpenSVC's parameters, `persist` so the jail outlives its /etc/rc. */
  private createArgv(): string[] {
    const p = [`name=${this.cfg.name}`, `path=${this.cfg.jailroot}`, `host.hostname=${this.guestName}`];
    if (this.cfg.ips?.length) p.push(`ip4.addr=${this.cfg.ips.join(',')}`);
    if (this.cfg.ip6s?.length) p.push(`ip6.addr=${this.cfg.ip6s.join(',')}`);
    return ['jail', '-c', ...p, 'persist', 'command=/bin/sh', '/etc/rc'];
  }

  async start(ctx: ContainerContext): Promise<void> {
    const j = await this.jail(ctx);
    if (startCreates(j)) {
      if (!existsSync(this.cfg.jailroot)) throw containerMissing(this.rid, `the root of jail ${this.cfg.name}, ${this.cfg.jailroot}, does not exist`, `create it, or fix ${this.rid}.jailroot`);
      const argv = this.createArgv();
      ctx.log.info(argv.join(' '));
      if (ctx.dryRun) return;
      const t0 = ctx.clock.now();
      const r = await this.run(ctx, argv, { timeoutMs: this.cfg.start_timeout * 1000 }).catch((e: unknown) => {
        // /etc/rc that never ends: the jail exists, its init never finishes.
        if (isCapsuleError(e) && e.code === ErrorCode.ExecTimeout) throw this.notOperational(`its /etc/rc did not finish within ${this.cfg.start_timeout}s`);
        throw e;
      });
      if (r.code !== 0) throw this.failed('jail -c', r);
      const left = Math.max(1, this.cfg.start_timeout - Math.floor((ctx.clock.now() - t0) / 1000));
      await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: left, hint: `check the jail with jexec ${this.cfg.name} sh` });
      return;
    }
    if (ctx.dryRun) return;
    await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, hint: `check the jail with jexec ${this.cfg.name} sh` });
  }

  async stop(ctx: ContainerContext): Promise<void> {
    const j = await this.jail(ctx);
    // No jail, or only a dying one: jail -r has nothing to remove.
    if (j?.state !== 'ACTIVE') return;
    ctx.log.info(`jexec ${this.cfg.name} /bin/sh /etc/rc.shutdown (${this.cfg.stop_timeout}s before jail -r)`);
    if (ctx.dryRun) return;
    await this.shutdown(ctx);
    const r = await this.run(ctx, ['jail', '-r', this.cfg.name]);
    if (r.code !== 0 && (await this.jail(ctx))?.state === 'ACTIVE') throw this.failed('jail -r', r);
  }

  /** What exec.stop does in a jail.conf: the jail's rc.shutdown, bounded by stop_timeout; jail -r then kills the rest. */
  private async shutdown(ctx: ContainerContext): Promise<void> {
    try {
      const r = await ctx.guest(['/bin/sh', '/etc/rc.shutdown'], { timeoutMs: this.cfg.stop_timeout * 1000 });
      if (r.code !== 0) ctx.log.warn(`/etc/rc.shutdown in jail ${this.cfg.name} failed with exit ${r.code}: ${lastLine(r.stderr || r.stdout) || 'no output'}`);
    } catch (e) {
      if (!isCapsuleError(e) || e.code !== ErrorCode.ExecTimeout) throw e;
      ctx.log.warn(`jail ${this.cfg.name} did not shut down within ${this.cfg.stop_timeout}s: removing it, its processes killed`);
    }
  }

  guestChannel(): GuestChannel {
    // -l: a clean login environment, so the hypervisor's variables (CAPSULE_ROOT first) stay out of the guest's agent.
    return { kind: 'native', prefix: ['jexec', '-l', this.cfg.name] };
  }

  /** A jail made from the command line has no file of its own: its parameters are the section's keywords. */
  replicatedFiles(): string[] {
    return [];
  }

  private notOperational(why: string): CapsuleError {
    return new CapsuleError(ErrorCode.ContainerNotOperational, `${this.rid}: jail ${this.cfg.name} runs but ${why}`, {
      hint: `check the jail's /etc/rc (jexec ${this.cfg.name} sh), or raise ${this.rid}.start_timeout`,
      details: { rid: this.rid, guest: this.cfg.name },
    });
  }

  private failed(what: string, r: ExecResult): CapsuleError {
    return actionFailed(this.rid, `${what} ${this.cfg.name}`, r, 'see the jail(8) messages above and /var/log/messages');
  }
}
