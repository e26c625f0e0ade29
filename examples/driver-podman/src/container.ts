// A Podman container as a capsule resource: lifecycle through the podman
// command (created from `image` when podman does not know it); its guest
// is reached through `podman exec -i`, a native channel the engine runs
// every guest command through.
import type { ActionContext, ContainerContext, ContainerResource, ExecResult, GuestChannel, ResourceInit, ResourceStatus, SectionConfig } from '@capsule/core';
import { actionFailed, containerMissing, lastLine, stopWithTimeout, tool, waitForGuest } from '@capsule/driver-kit';
import type { keywords } from './keywords.js';
import { DOWN_STATES, parseInspect, statusOfPodmanState, type PodmanInspect } from './state.js';

export type PodmanConfig = SectionConfig<typeof keywords>;

/** What inspect says of a container podman does not know. */
const MISSING = 'MISSING';

export class PodmanContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  private readonly cfg: PodmanConfig;

  constructor(init: ResourceInit<PodmanConfig>) {
    this.rid = init.rid;
    this.cfg = init.config;
    this.guestName = this.cfg.hostname ?? this.cfg.name;
  }

  label(): string {
    return this.cfg.name;
  }

  /** Runs podman; not installed is CommandNotFound with how to install it. */
  private podman(ctx: Pick<ActionContext, 'exec'>, ...args: string[]): Promise<ExecResult> {
    return tool(ctx, this.rid, ['podman', ...args], { install: 'install Podman (apt-get install podman)' });
  }

  private async inspect(ctx: ActionContext): Promise<PodmanInspect | typeof MISSING> {
    const r = await this.podman(ctx, 'container', 'inspect', this.cfg.name);
    if (r.code === 0) return parseInspect(r.stdout);
    if (/no such container/i.test(r.stderr)) return MISSING;
    throw actionFailed(this.rid, `podman container inspect ${this.cfg.name}`, r, 'check podman itself (podman info)');
  }

  private async state(ctx: ActionContext): Promise<string | undefined> {
    const i = await this.inspect(ctx);
    return i === MISSING ? MISSING : i.state;
  }

  async status(ctx: ContainerContext): Promise<ResourceStatus> {
    const i = await this.inspect(ctx);
    // With an image, no container yet is the normal state before the first start.
    if (i === MISSING) return { status: 'down', log: [this.cfg.image ? `info: podman knows no container ${this.cfg.name} yet: start creates it from ${this.cfg.image}` : `warn: podman knows no container ${this.cfg.name}`] };
    return statusOfPodmanState(this.cfg.name, i.state);
  }

  async start(ctx: ContainerContext): Promise<void> {
    let state = await this.state(ctx);
    if (state === MISSING) {
      if (!this.cfg.image) throw containerMissing(this.rid, `podman knows no container ${this.cfg.name}`, `create it (podman create --name ${this.cfg.name} IMAGE), set ${this.rid}.image, or fix ${this.rid}.name`);
      await this.create(ctx, this.cfg.image);
      if (ctx.dryRun) return;
      state = 'created';
    }
    if (state === 'paused') await this.act(ctx, 'unpause');
    else if (state !== 'running') await this.act(ctx, 'start');
    if (ctx.dryRun) return;
    // Running is not enough for encapsulated actions: wait until a command runs in the guest.
    await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, hint: `check the container's command (podman logs ${this.cfg.name})` });
  }

  private async create(ctx: ContainerContext, image: string): Promise<void> {
    const hostname = this.cfg.hostname ? ['--hostname', this.cfg.hostname] : [];
    const argv = ['create', '--name', this.cfg.name, ...hostname, ...(this.cfg.run_args ?? []), image, ...(this.cfg.run_command ?? [])];
    ctx.log.info(`podman ${argv.join(' ')}`);
    if (ctx.dryRun) return;
    const r = await this.podman(ctx, ...argv);
    if (r.code !== 0) throw actionFailed(this.rid, `podman create ${this.cfg.name}`, r, `check ${this.rid}.image and ${this.rid}.run_args (podman images lists the local images)`);
  }

  /** `podman start|unpause NAME`, logged, failing with podman's own words. */
  private async act(ctx: ContainerContext, verb: 'start' | 'unpause'): Promise<void> {
    ctx.log.info(`podman ${verb} ${this.cfg.name}`);
    if (ctx.dryRun) return;
    const r = await this.podman(ctx, verb, this.cfg.name);
    if (r.code !== 0) throw actionFailed(this.rid, `podman ${verb} ${this.cfg.name}`, r, `see podman logs ${this.cfg.name}`);
  }

  async stop(ctx: ContainerContext): Promise<void> {
    const i = await this.inspect(ctx);
    if (i === MISSING || (i.state !== undefined && DOWN_STATES.has(i.state))) return;
    ctx.log.info(`podman stop ${this.cfg.name} (${this.cfg.stop_timeout}s before killing it)`);
    if (ctx.dryRun) return;
    // A paused container cannot take its stop signal: unpause it so the stop can be clean.
    if (i.state === 'paused') {
      const u = await this.podman(ctx, 'unpause', this.cfg.name);
      if (u.code !== 0) ctx.log.warn(`podman unpause ${this.cfg.name} failed: ${lastLine(u.stderr)}; killing it if the stop times out`);
    }
    // The stop signal without waiting in podman, so a forced stop is ours to see and report.
    await stopWithTimeout(ctx, {
      name: this.cfg.name,
      timeoutS: this.cfg.stop_timeout,
      isDown: async () => {
        const s = await this.state(ctx);
        return s === MISSING || (s !== undefined && DOWN_STATES.has(s));
      },
      graceful: async () => {
        const r = await this.podman(ctx, 'kill', '--signal', i.stopSignal ?? 'TERM', this.cfg.name);
        if (r.code !== 0) ctx.log.warn(`clean stop of ${this.cfg.name} failed: ${lastLine(r.stderr)}`);
      },
      // podman stop --time 0 kills and waits for the container to be down.
      force: async () => {
        const r = await this.podman(ctx, 'stop', '--time', '0', this.cfg.name);
        if (r.code !== 0) throw actionFailed(this.rid, `podman stop --time 0 ${this.cfg.name}`, r, `kill it by hand (podman kill ${this.cfg.name})`);
      },
    });
  }

  // podman exec runs with the container's environment, never the host's (CAPSULE_ROOT must not leak in).
  guestChannel(): GuestChannel {
    return { kind: 'native', prefix: ['podman', 'exec', '-i', this.cfg.name] };
  }
}
