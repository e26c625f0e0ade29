// An LXC container as a capsule resource: lifecycle through the lxc-* tools;
// its guest is reached through lxc-attach (or the rcmd keyword), a native
// channel the engine runs every guest command through.
import { CapsuleError, type ActionContext, type ContainerContext, type ContainerResource, type ExecOptions, type ExecResult, type GuestChannel, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { lastLine, stopWithTimeout, waitForGuest } from '@capsule/driver-kit';
import type { keywords } from './keywords.js';
import { parseLxcInfo, statusOfLxcState } from './state.js';

/** A word of lxc-info's State line (see state.ts), MISSING for a container LXC does not know, undefined when none was printed. */
type LxcState = string | undefined;

export type LxcConfig = SectionConfig<typeof keywords>;

export class LxcContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;

  constructor(
    init: ResourceInit<LxcConfig>,
    config = init.config,
    private readonly cfg = { ...config, lxcpath: config.data_dir ?? config.container_data_dir ?? config.lxcpath },
  ) {
    this.rid = init.rid;
    this.guestName = cfg.hostname ?? cfg.name;
  }

  label(): string {
    return this.cfg.name;
  }

  private target(): string[] {
    return ['-n', this.cfg.name, '-P', this.cfg.lxcpath];
  }

  /** Runs an lxc-* tool; a missing tool is a named error rather than a cryptic exit 127. */
  private async lxc(ctx: ActionContext, tool: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const r = await ctx.exec([tool, ...this.target(), ...args], options);
    if (r.code === 127) {
      throw new CapsuleError('CommandNotFound', `${this.rid}: ${tool} is not installed on this node`, {
        hint: 'install LXC (apt-get install lxc) or fix PATH',
        details: { rid: this.rid, command: tool },
      });
    }
    return r;
  }

  private async info(ctx: ActionContext): Promise<{ state: LxcState; links: string[] }> {
    const r = await this.lxc(ctx, 'lxc-info', []);
    if (r.code !== 0) {
      if (/doesn't exist|does not exist|not defined/i.test(r.stderr + r.stdout)) return { state: 'MISSING', links: [] };
      throw new CapsuleError('LxcInfoFailed', `${this.rid}: lxc-info ${this.cfg.name} failed: ${lastLine(r.stderr)}`, {
        hint: 'check the container with lxc-ls -f',
      });
    }
    return parseLxcInfo(r.stdout);
  }

  async status(ctx: ContainerContext): Promise<ResourceStatus> {
    const { state } = await this.info(ctx);
    if (state === 'MISSING') return { status: 'down', log: [`warn: container ${this.cfg.name} does not exist in ${this.cfg.lxcpath}`] };
    return statusOfLxcState(this.cfg.name, state);
  }

  async start(ctx: ContainerContext): Promise<void> {
    const { state } = await this.info(ctx);
    if (state === 'MISSING') throw this.missing();
    if (state === 'FROZEN' || state === 'FREEZING') {
      // lxc-start would refuse a frozen container as running: thawing is its start.
      ctx.log.info(`lxc-unfreeze -n ${this.cfg.name}`);
      if (ctx.dryRun) return;
      const u = await this.lxc(ctx, 'lxc-unfreeze', []);
      if (u.code !== 0) throw this.failed('lxc-unfreeze', u);
    } else if (state !== 'RUNNING') {
      ctx.log.info(`lxc-start -d -n ${this.cfg.name}`);
      if (ctx.dryRun) return;
      const r = await this.lxc(ctx, 'lxc-start', ['-d', ...(this.cfg.cf ? ['-f', this.cfg.cf] : []), ...(this.cfg.rootfs ? ['-s', `lxc.rootfs.path=${this.cfg.rootfs}`] : [])]);
      if (r.code !== 0) throw this.failed('lxc-start', r);
      const w = await this.lxc(ctx, 'lxc-wait', ['-s', 'RUNNING', '-t', String(this.cfg.start_timeout)]);
      if (w.code !== 0) throw this.failed('lxc-wait RUNNING', w);
    } else if (ctx.dryRun) return;
    // RUNNING is not enough for encap actions: wait until a command runs in the guest.
    await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, hint: `check the guest's init (lxc-attach -n ${this.cfg.name})` });
  }

  async stop(ctx: ContainerContext): Promise<void> {
    const { state, links } = await this.info(ctx);
    if (state === 'MISSING' || state === 'STOPPED') return;
    ctx.log.info(`lxc-stop -n ${this.cfg.name} (${this.cfg.stop_timeout}s before killing it)`);
    if (ctx.dryRun) return;
    // A frozen init cannot take the halt signal: thaw it so the stop can be clean.
    if (state === 'FROZEN' || state === 'FREEZING') {
      const u = await this.lxc(ctx, 'lxc-unfreeze', []);
      if (u.code !== 0) ctx.log.warn(`lxc-unfreeze ${this.cfg.name} failed: ${lastLine(u.stderr)}; killing it if the stop times out`);
    }
    // The halt signal without waiting in lxc-stop, so a forced stop is ours to see and report.
    await stopWithTimeout(ctx, {
      name: this.cfg.name,
      timeoutS: this.cfg.stop_timeout,
      isDown: async () => (await this.info(ctx)).state === 'STOPPED',
      graceful: async () => {
        const r = await this.lxc(ctx, 'lxc-stop', ['--nowait']);
        if (r.code !== 0) ctx.log.warn(`clean stop of ${this.cfg.name} failed: ${lastLine(r.stderr)}`);
      },
      force: async () => {
        const k = await this.lxc(ctx, 'lxc-stop', ['-k']);
        if (k.code !== 0 && (await this.info(ctx)).state !== 'STOPPED') throw this.failed('lxc-stop -k', k);
      },
    });
    await this.removeLeftoverLinks(ctx, links);
  }

  /** LXC sometimes leaves the host side of a veth pair behind; OpenSVC users had to clean it by hand. */
  private async removeLeftoverLinks(ctx: ActionContext, links: string[]): Promise<void> {
    for (const link of links) {
      const shown = await ctx.exec(['ip', 'link', 'show', link]);
      if (shown.code === 0) {
        ctx.log.info(`removing leftover link ${link} of ${this.cfg.name}`);
        await ctx.exec(['ip', 'link', 'del', link]);
      }
    }
  }

  // A clean environment: the host's variables (CAPSULE_ROOT first) must not leak into the guest's agent.
  guestChannel(): GuestChannel {
    return { kind: 'native', prefix: this.cfg.rcmd?.length ? this.cfg.rcmd : ['lxc-attach', ...this.target(), '--clear-env', '--'] };
  }

  /** Files that travel with the service config: the container's own LXC config. */
  replicatedFiles(): string[] {
    return [this.cfg.cf ?? `${this.cfg.lxcpath}/${this.cfg.name}/config`];
  }

  private missing(): CapsuleError {
    return new CapsuleError('ContainerNotFound', `${this.rid}: LXC container ${this.cfg.name} does not exist in ${this.cfg.lxcpath}`, {
      hint: `create it (lxc-create -n ${this.cfg.name}) or fix ${this.rid}.name / ${this.rid}.lxcpath`,
      details: { rid: this.rid, name: this.cfg.name },
    });
  }

  private failed(what: string, r: ExecResult): CapsuleError {
    return new CapsuleError('ContainerActionFailed', `${this.rid}: ${what} failed with exit ${r.code}: ${lastLine(r.stderr || r.stdout)}`, {
      hint: `see lxc logs for ${this.cfg.name} (lxc-start -l DEBUG -o FILE)`,
      details: { rid: this.rid, code: r.code },
    });
  }
}
