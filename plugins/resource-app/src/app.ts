// An application driven by its launcher script: `script start|stop|status`,
// with the service's [env] in its environment.
import { CapsuleError, type ActionContext, type ExecResult, type Resource, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { basename, isAbsolute, join } from 'node:path';
import type { keywords } from './keywords.js';

export type AppConfig = SectionConfig<typeof keywords>;

/**
 * The command that runs the launcher as `user`: runuser on Linux; elsewhere
 * (sunos, freebsd, darwin) su, whose extra arguments reach the shell.
 */
export function asUser(user: string, argv: string[], platform: string = process.platform): string[] {
  return platform === 'linux' ? ['runuser', '-u', user, '--', ...argv] : ['su', user, '-c', 'exec "$0" "$@"', ...argv];
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

export class App implements Resource {
  readonly rid: string;
  private readonly cfg: AppConfig;
  private readonly script?: string;
  private readonly env: Record<string, string>;

  constructor(init: ResourceInit<AppConfig>) {
    this.rid = init.rid;
    this.cfg = init.config;
    if (this.cfg.script) {
      this.script = isAbsolute(this.cfg.script) ? this.cfg.script : join(init.root, 'etc/capsule', `${init.svcname}.d`, this.cfg.script);
    }
    this.env = { ...init.env, CAPSULE_SVCNAME: init.svcname, CAPSULE_RID: init.rid, OPENSVC_SVCNAME: init.svcname };
  }

  label(): string {
    return this.script ? basename(this.script) : 'app';
  }

  private run(ctx: ActionContext, verb: string, timeoutS: number): Promise<ExecResult> {
    const argv = this.cfg.user ? asUser(this.cfg.user, [this.script!, verb]) : [this.script!, verb];
    return ctx.exec(argv, { env: this.env, timeoutMs: timeoutS * 1000 });
  }

  /** A `user` that does not exist is a configuration problem, not a stopped app; asked only after a failure. */
  private async missingUser(ctx: ActionContext): Promise<string | undefined> {
    if (!this.cfg.user) return undefined;
    const r = await ctx.exec(['id', '-u', this.cfg.user], { timeoutMs: 5000 });
    return r.code === 0 ? undefined : `user ${this.cfg.user} does not exist on this node`;
  }

  private async act(ctx: ActionContext, verb: 'start' | 'stop'): Promise<void> {
    if (!this.script) return;
    const r = await this.run(ctx, verb, this.cfg.timeout);
    for (const l of r.stdout.trim().split('\n').filter(Boolean)) ctx.log.info(l);
    if (r.code === 0) return;
    const noUser = await this.missingUser(ctx);
    const why = noUser ?? lastLine(r.stderr);
    throw new CapsuleError(verb === 'start' ? 'AppStartFailed' : 'AppStopFailed', `${this.rid}: ${this.label()} ${verb} exited ${r.code}${why ? `: ${why}` : ''}`, {
      hint: noUser ? `create the user, or fix ${this.rid}.user` : r.code === 127 ? `${this.script} is missing or not executable` : `run \`${this.script} ${verb}\` by hand to see why`,
      details: { rid: this.rid, code: r.code, stderr: r.stderr },
    });
  }

  start(ctx: ActionContext): Promise<void> {
    return this.act(ctx, 'start');
  }

  stop(ctx: ActionContext): Promise<void> {
    return this.act(ctx, 'stop');
  }

  async status(ctx: ActionContext): Promise<ResourceStatus> {
    if (!this.script) return { status: 'n/a', log: ['# no checkup scripts'] };
    const r = await this.run(ctx, 'status', this.cfg.status_timeout);
    if (r.code === 0) return { status: 'up', log: [] };
    const noUser = await this.missingUser(ctx);
    if (noUser) return { status: 'warn', log: [`warn: ${noUser}: fix ${this.rid}.user`] };
    if (r.code === 1) return { status: 'down', log: [] };
    const why = r.code === 127 ? `${this.script} is missing or not executable` : `status exited ${r.code}${r.stderr.trim() ? `: ${lastLine(r.stderr)}` : ''}`;
    return { status: 'warn', log: [`warn: ${why}`] };
  }
}
