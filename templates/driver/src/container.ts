// A {{tool}} container as a capsule resource: lifecycle through the
// {{tool}} command; its guest reached through `{{tool}} exec`, a native
// channel the engine runs every guest command through.
import type { ActionContext, ContainerContext, ContainerResource, ExecResult, GuestChannel, ResourceInit, ResourceStatus, SectionConfig } from '@capsule/core';
import { actionFailed, containerMissing, lastLine, stopWithTimeout, tool, waitForGuest } from '@capsule/driver-kit';
import type { keywords } from './keywords.js';
import { parseState, statusOfContainer } from './state.js';

export type {{Class}}Config = SectionConfig<typeof keywords>;

/** The state of a container {{tool}} does not know. */
const MISSING = Symbol('missing');

export class {{Class}} implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  private readonly cfg: {{Class}}Config;

  constructor(init: ResourceInit<{{Class}}Config>) {
    this.rid = init.rid;
    this.cfg = init.config;
    this.guestName = this.cfg.hostname ?? this.cfg.name;
  }

  label(): string {
    return this.cfg.name;
  }

  /** Runs {{tool}}; not installed is CommandNotFound with how to install it. */
  private run(ctx: Pick<ActionContext, 'exec'>, ...args: string[]): Promise<ExecResult> {
    return tool(ctx, this.rid, ['{{tool}}', ...args], { install: 'install {{tool}}' });
  }

  private async state(ctx: ActionContext): Promise<string | undefined | typeof MISSING> {
    const r = await this.run(ctx, 'inspect', this.cfg.name);
    if (r.code === 0) return parseState(r.stdout);
    if (/no such container/i.test(r.stderr)) return MISSING;
    throw actionFailed(this.rid, `{{tool}} inspect ${this.cfg.name}`, r, 'run it by hand to see why');
  }

  async status(ctx: ContainerContext): Promise<ResourceStatus> {
    const state = await this.state(ctx);
    if (state === MISSING) return { status: 'down', log: [`warn: container ${this.cfg.name} does not exist`] };
    return statusOfContainer(this.cfg.name, state);
  }

  async start(ctx: ContainerContext): Promise<void> {
    const state = await this.state(ctx);
    if (state === MISSING) throw containerMissing(this.rid, `no {{tool}} container ${this.cfg.name}`, `create it, or fix ${this.rid}.name`);
    if (state !== 'running') {
      ctx.log.info(`{{tool}} start ${this.cfg.name}`);
      if (ctx.dryRun) return;
      const r = await this.run(ctx, 'start', this.cfg.name);
      if (r.code !== 0) throw actionFailed(this.rid, `{{tool}} start ${this.cfg.name}`, r, `see {{tool}}'s logs for ${this.cfg.name}`);
    } else if (ctx.dryRun) return;
    // Running is not enough for encapsulated actions: wait until a command runs in the guest.
    await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, hint: `check the guest ({{tool}} exec ${this.cfg.name} sh)` });
  }

  async stop(ctx: ContainerContext): Promise<void> {
    const state = await this.state(ctx);
    if (state === MISSING || state === 'stopped' || state === 'created') return;
    ctx.log.info(`{{tool}} stop ${this.cfg.name} (${this.cfg.stop_timeout}s before killing it)`);
    if (ctx.dryRun) return;
    await stopWithTimeout(ctx, {
      name: this.cfg.name,
      timeoutS: this.cfg.stop_timeout,
      isDown: async () => (await this.state(ctx)) !== 'running',
      graceful: async () => {
        const r = await this.run(ctx, 'stop', this.cfg.name);
        if (r.code !== 0) ctx.log.warn(`clean stop of ${this.cfg.name} failed: ${lastLine(r.stderr)}`);
      },
      force: async () => {
        const r = await this.run(ctx, 'kill', this.cfg.name);
        if (r.code !== 0) throw actionFailed(this.rid, `{{tool}} kill ${this.cfg.name}`, r, `stop it by hand ({{tool}} kill ${this.cfg.name})`);
      },
    });
  }

  guestChannel(): GuestChannel {
    return { kind: 'native', prefix: ['{{tool}}', 'exec', this.cfg.name, '--'] };
  }
}
