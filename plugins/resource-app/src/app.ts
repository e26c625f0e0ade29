// An application, as OpenSVC's app.forking and app.simple drive it: each of
// start, stop, check and info runs the launcher (`script start|stop|status|info`)
// or a command of its own (command.ts), with the service's [env] and the
// section's environment, cwd, umask, user, group and limits (launch.ts);
// the check's exit code is a status by `retcodes`. `type = simple` runs the
// start command in the background in a session of its own and supervises
// that process (pid file under the service's state directory).
import { CapsuleError, type ActionContext, type ExecResult, type Resource, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { basename, isAbsolute, join } from 'node:path';
import { actionArgv } from './command.js';
import type { keywords } from './keywords.js';
import { launchArgv, LIMITS, parseEnvironment, parseRetcodes, type LimitName } from './launch.js';
import { SimpleProcess } from './simple.js';

export type AppConfig = SectionConfig<typeof keywords>;

/**
 * The command that runs argv as `user`: runuser on Linux; elsewhere (sunos,
 * freebsd, darwin) su, whose extra arguments reach the shell.
 */
export function asUser(user: string, argv: string[], platform: string = process.platform): string[] {
  return launchArgv(argv, { user, platform });
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

type Verb = 'start' | 'stop' | 'check' | 'info';
const WORD: Record<Verb, string> = { start: 'start', stop: 'stop', check: 'status', info: 'info' };

export class App implements Resource {
  readonly rid: string;
  private readonly cfg: AppConfig;
  private readonly script?: string;
  private readonly env: Record<string, string>;
  private readonly simple?: SimpleProcess;

  constructor(init: ResourceInit<AppConfig>) {
    this.rid = init.rid;
    this.cfg = init.config;
    if (this.cfg.script) {
      this.script = isAbsolute(this.cfg.script) ? this.cfg.script : join(init.root, 'etc/capsule', `${init.svcname}.d`, this.cfg.script);
    }
    this.env = { ...init.env, ...parseEnvironment(this.cfg.environment).env, CAPSULE_SVCNAME: init.svcname, CAPSULE_RID: init.rid, OPENSVC_SVCNAME: init.svcname, OPENSVC_RID: init.rid };
    if (this.cfg.type === 'simple') this.simple = new SimpleProcess(join(init.root, 'var/lib/capsule', init.svcname, `${init.rid}.pid`));
  }

  label(): string {
    if (this.script) return basename(this.script);
    const start = this.argv('start');
    return start ? basename(start[0] === '/bin/sh' ? 'sh' : start[0]!) : 'app';
  }

  private argv(verb: Verb): string[] | undefined {
    return actionArgv(this.cfg[verb], this.script, WORD[verb]);
  }

  private timeoutS(verb: Verb): number {
    if (verb === 'check') return this.cfg.check_timeout ?? this.cfg.status_timeout;
    return this.cfg[`${verb}_timeout`] ?? this.cfg.timeout;
  }

  /** The launch wrappers and the environment every command of this app runs with. */
  private launch(argv: string[]): string[] {
    const limits: Partial<Record<LimitName, number>> = {};
    for (const name of Object.keys(LIMITS) as LimitName[]) {
      const v = this.cfg[`limit_${name}`];
      if (typeof v === 'number') limits[name] = v;
    }
    return launchArgv(argv, { ...(this.cfg.user ? { user: this.cfg.user } : {}), ...(this.cfg.group ? { group: this.cfg.group } : {}), ...(this.cfg.umask ? { umask: this.cfg.umask.trim() } : {}), limits });
  }

  private run(ctx: ActionContext, argv: string[], verb: Verb): Promise<ExecResult> {
    return ctx.exec(this.launch(argv), { env: this.env, timeoutMs: this.timeoutS(verb) * 1000, ...(this.cfg.cwd ? { cwd: this.cfg.cwd } : {}) });
  }

  /** A `user` that does not exist is a configuration problem, not a stopped app; asked only after a failure. */
  private async missingUser(ctx: ActionContext): Promise<string | undefined> {
    if (!this.cfg.user) return undefined;
    const r = await ctx.exec(['id', '-u', this.cfg.user], { timeoutMs: 5000 });
    return r.code === 0 ? undefined : `user ${this.cfg.user} does not exist on this node`;
  }

  private async act(ctx: ActionContext, verb: 'start' | 'stop'): Promise<void> {
    const argv = this.argv(verb);
    if (this.simple) {
      if (verb === 'start' && argv) await this.simple.start(ctx, this.launch(argv), { env: this.env, ...(this.cfg.cwd ? { cwd: this.cfg.cwd } : {}) });
      // A simple app without a stop command is stopped by signalling its process.
      if (verb === 'stop') {
        if (argv && this.cfg.stop !== undefined) await this.checked(ctx, argv, verb);
        await this.simple.stop(ctx, this.timeoutS('stop') * 1000, this.cfg.kill);
      }
      return;
    }
    if (argv) await this.checked(ctx, argv, verb);
  }

  private async checked(ctx: ActionContext, argv: string[], verb: 'start' | 'stop'): Promise<void> {
    const r = await this.run(ctx, argv, verb);
    for (const l of r.stdout.trim().split('\n').filter(Boolean)) ctx.log.info(l);
    if (r.code === 0) return;
    const noUser = await this.missingUser(ctx);
    const why = noUser ?? lastLine(r.stderr);
    throw new CapsuleError(verb === 'start' ? 'AppStartFailed' : 'AppStopFailed', `${this.rid}: ${this.label()} ${verb} exited ${r.code}${why ? `: ${why}` : ''}`, {
      hint: noUser ? `create the user, or fix ${this.rid}.user` : r.code === 127 ? `${argv[0]} is missing or not executable` : `run \`${argv.join(' ')}\` by hand to see why`,
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
    const argv = this.argv('check');
    // A simple app without a check command: its supervised process says it.
    if (this.simple && (this.cfg.check === undefined || !argv)) return { status: (await this.simple.running()) ? 'up' : 'down', log: [] };
    if (!argv) return { status: 'n/a', log: [this.cfg.check === false ? '# check = false' : '# no checkup scripts'] };
    const r = await this.run(ctx, argv, 'check');
    const log = this.cfg.status_log ? [...r.stdout.trim().split('\n').filter(Boolean), ...r.stderr.trim().split('\n').filter(Boolean).map((l) => `warn: ${l}`)] : [];
    const map = parseRetcodes(this.cfg.retcodes);
    const mapped = typeof map === 'string' ? undefined : map.get(r.code);
    if (mapped === 'up' || mapped === 'n/a') return { status: mapped, log };
    const noUser = await this.missingUser(ctx);
    if (noUser) return { status: 'warn', log: [...log, `warn: ${noUser}: fix ${this.rid}.user`] };
    if (mapped) return { status: mapped, log };
    const why = r.code === 127 ? `${argv[0]} is missing or not executable` : `status exited ${r.code}${r.stderr.trim() ? `: ${lastLine(r.stderr)}` : ''}`;
    return { status: 'warn', log: [...log, `warn: ${why}`] };
  }
}
