// An LXC container as a capsule resource: lifecycle through the lxc-* tools,
// guest commands through lxc-attach (or the rcmd keyword).
import {
  CapsuleError,
  type ActionContext,
  type ContainerResource,
  type ExecOptions,
  type ExecResult,
  type ResourceInit,
  type ResourceStatus,
} from '@capsule/core';
import { readFile, writeFile } from 'node:fs/promises';

type LxcState = 'RUNNING' | 'STOPPED' | 'STARTING' | 'STOPPING' | 'ABORTING' | 'FREEZING' | 'FROZEN' | 'THAWED' | 'MISSING';

interface LxcConfig {
  name: string;
  hostname?: string;
  cf?: string;
  lxcpath: string;
  rootfs?: string;
  rcmd?: string[];
  start_timeout: number;
  stop_timeout: number;
}

export class LxcContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  readonly capabilities = { liveMigrate: false, exec: 'native' as const };
  private readonly cfg: LxcConfig;

  constructor(init: ResourceInit) {
    this.rid = init.rid;
    this.cfg = { lxcpath: '/var/lib/lxc', start_timeout: 30, stop_timeout: 60, ...(init.config as Partial<LxcConfig>) } as LxcConfig;
    if (!this.cfg.name) {
      throw new CapsuleError('MissingKeyword', `${init.rid}: the lxc container has no name`, { hint: `set ${init.rid}.name to the LXC container name` });
    }
    this.guestName = this.cfg.hostname ?? this.cfg.name;
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
    const state = /^State:\s+(\S+)/m.exec(r.stdout)?.[1] as LxcState | undefined;
    const links = [...r.stdout.matchAll(/^Link:\s+(\S+)/gm)].map((m) => m[1]!);
    return { state: state ?? 'STOPPED', links };
  }

  async status(ctx: ActionContext): Promise<ResourceStatus> {
    const { state } = await this.info(ctx);
    if (state === 'MISSING') return { status: 'down', log: [`warn: container ${this.cfg.name} does not exist in ${this.cfg.lxcpath}`] };
    if (state === 'RUNNING') return { status: 'up', log: [] };
    if (state === 'STOPPED') return { status: 'down', log: [] };
    return { status: 'warn', log: [`warn: container ${this.cfg.name} is ${state.toLowerCase()}`] };
  }

  async start(ctx: ActionContext): Promise<void> {
    const { state } = await this.info(ctx);
    if (state === 'MISSING') throw this.missing();
    if (state !== 'RUNNING') {
      ctx.log.info(`lxc-start -d -n ${this.cfg.name}`);
      if (ctx.dryRun) return;
      const r = await this.lxc(ctx, 'lxc-start', ['-d', ...(this.cfg.cf ? ['-f', this.cfg.cf] : []), ...(this.cfg.rootfs ? ['-s', `lxc.rootfs.path=${this.cfg.rootfs}`] : [])]);
      if (r.code !== 0) throw this.failed('lxc-start', r);
      const w = await this.lxc(ctx, 'lxc-wait', ['-s', 'RUNNING', '-t', String(this.cfg.start_timeout)]);
      if (w.code !== 0) throw this.failed('lxc-wait RUNNING', w);
    } else if (ctx.dryRun) return;
    await this.waitOperational(ctx);
  }

  /** RUNNING is not enough for encap actions: wait until a command runs in the guest. */
  private async waitOperational(ctx: ActionContext): Promise<void> {
    const deadline = Date.now() + this.cfg.start_timeout * 1000;
    for (;;) {
      const r = await this.exec(ctx, ['true'], { timeoutMs: 5000 });
      if (r.code === 0) return;
      if (Date.now() > deadline) {
        throw new CapsuleError('ContainerNotOperational', `${this.rid}: ${this.cfg.name} is running but does not accept commands after ${this.cfg.start_timeout}s`, {
          hint: `check the guest's init (lxc-attach -n ${this.cfg.name}), or raise ${this.rid}.start_timeout`,
        });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async stop(ctx: ActionContext): Promise<void> {
    const { state, links } = await this.info(ctx);
    if (state === 'MISSING' || state === 'STOPPED') return;
    ctx.log.info(`lxc-stop -n ${this.cfg.name} -t ${this.cfg.stop_timeout}`);
    if (ctx.dryRun) return;
    const r = await this.lxc(ctx, 'lxc-stop', ['-t', String(this.cfg.stop_timeout)]);
    if (r.code !== 0) {
      ctx.log.warn(`clean stop of ${this.cfg.name} failed (${lastLine(r.stderr)}), killing it`);
      const k = await this.lxc(ctx, 'lxc-stop', ['-k']);
      if (k.code !== 0 && (await this.info(ctx)).state !== 'STOPPED') throw this.failed('lxc-stop -k', k);
    }
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
  private attachPrefix(): string[] {
    return this.cfg.rcmd?.length ? this.cfg.rcmd : ['lxc-attach', ...this.target(), '--clear-env', '--'];
  }

  /** Files that travel with the service config: the container's own LXC config. */
  replicatedFiles(): string[] {
    return [this.cfg.cf ?? `${this.cfg.lxcpath}/${this.cfg.name}/config`];
  }

  exec(ctx: ActionContext, argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return ctx.exec([...this.attachPrefix(), ...argv], options);
  }

  // Copies go through the attach channel rather than the rootfs path, so they
  // work the same for dir, overlay, lvm and zfs backed containers.
  async copyTo(ctx: ActionContext, localPath: string, guestPath: string): Promise<void> {
    const content = await readFile(localPath, 'utf8');
    const r = await this.exec(ctx, ['sh', '-c', 'cat > "$1"', 'sh', guestPath], { input: content });
    if (r.code !== 0) throw this.failed(`copy to ${this.cfg.name}:${guestPath}`, r);
  }

  async copyFrom(ctx: ActionContext, guestPath: string, localPath: string): Promise<void> {
    const r = await this.exec(ctx, ['cat', guestPath]);
    if (r.code !== 0) throw this.failed(`copy from ${this.cfg.name}:${guestPath}`, r);
    await writeFile(localPath, r.stdout);
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

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
