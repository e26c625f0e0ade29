// An OpenVZ container as a capsule resource: lifecycle through vzctl, its
// config (CTID.conf) replicated, live migration with vzmigrate --online;
// its guest is reached through vzctl exec2, a native channel.
import { CapsuleError, isCapsuleError, type ActionContext, type ContainerContext, type ContainerResource, type ExecResult, type GuestChannel, type MigrationDestination, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { actionFailed, containerMissing, lastLine, tool, waitForGuest } from '@capsule/driver-kit';
import { join } from 'node:path';
import type { keywords } from './keywords.js';
import { holdsPeer, parseVzStatus, startAction, statusOfVz, type VzState } from './state.js';

export type VzConfig = SectionConfig<typeof keywords>;

const INSTALL = 'install OpenVZ tools (yum install vzctl)';
/** vzctl(8) DIAGNOSTICS. */
const NOT_RUNNING = 31;
const ALREADY_RUNNING = 32;

export class VzContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  private readonly confDir: string;
  /** `[driver.vz]` of node.conf. */
  private readonly settings: Readonly<Record<string, string>>;

  constructor(
    init: ResourceInit<VzConfig>,
    private readonly cfg = init.config,
  ) {
    this.rid = init.rid;
    this.guestName = cfg.hostname ?? cfg.name;
    this.settings = init.settings.values;
    this.confDir = this.settings['confdir'] ?? '/etc/vz/conf';
  }

  label(): string {
    return this.cfg.name;
  }

  /** Runs an OpenVZ tool; a kernel without OpenVZ is a named error, not an exit code. */
  private async run(ctx: Pick<ActionContext, 'exec'>, argv: string[], timeoutMs?: number): Promise<ExecResult> {
    const r = await tool(ctx, this.rid, argv, { install: INSTALL, ...(timeoutMs ? { timeoutMs } : {}) });
    if (r.code !== 0 && /Unable to open \/dev\/vzctl: No such file or directory/.test(r.stderr)) {
      throw new CapsuleError('HypervisorUnavailable', `${this.rid}: ${argv[0]} finds no OpenVZ kernel on this node: ${r.stderr.split('\n')[0]}`, {
        hint: 'boot the OpenVZ kernel and load its modules (modprobe vzdev; service vz start)',
        details: { rid: this.rid },
      });
    }
    return r;
  }

  private async state(ctx: Pick<ActionContext, 'exec'>): Promise<VzState> {
    const r = await this.run(ctx, ['vzctl', 'status', this.cfg.name]);
    const s = r.code === 0 ? parseVzStatus(r.stdout) : undefined;
    if (!s) throw actionFailed(this.rid, `vzctl status ${this.cfg.name}`, r, 'check that the OpenVZ kernel runs (vzctl needs /dev/vzctl) and that capsule runs as root');
    return s;
  }

  async status(ctx: ContainerContext): Promise<ResourceStatus> {
    return statusOfVz(this.cfg.name, await this.state(ctx));
  }

  async start(ctx: ContainerContext): Promise<void> {
    const s = await this.state(ctx);
    if (!s.exists) throw containerMissing(this.rid, `no OpenVZ container ${this.cfg.name} (no ${this.confFile()})`, `create it (vzctl create ${this.cfg.name} --ostemplate ...), or fix ${this.rid}.name or confdir in [driver.vz] of node.conf`);
    const action = startAction(s);
    if (action !== 'wait') {
      ctx.log.info(`vzctl ${action} ${this.cfg.name}`);
      if (ctx.dryRun) return;
      const r = await this.run(ctx, ['vzctl', action, this.cfg.name]);
      if (r.code !== 0 && r.code !== ALREADY_RUNNING) throw actionFailed(this.rid, `vzctl ${action} ${this.cfg.name}`, r, `see /var/log/vzctl.log`);
    } else if (ctx.dryRun) return;
    // "Container start in progress": its init may still be coming up.
    await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, hint: `check the container's init (vzctl enter ${this.cfg.name})` });
  }

  async stop(ctx: ContainerContext): Promise<void> {
    // A paused container (vzctl 7) runs, frozen: it is stopped like a running one.
    if (startAction(await this.state(ctx)) === 'start') return;
    ctx.log.info(`vzctl stop ${this.cfg.name} (${this.cfg.stop_timeout}s before vzctl stop --fast)`);
    if (ctx.dryRun) return;
    // vzctl waits for the container's init itself; bounded here by stop_timeout.
    const why = await this.run(ctx, ['vzctl', 'stop', this.cfg.name], this.cfg.stop_timeout * 1000).then(
      (r) => (r.code === 0 || r.code === NOT_RUNNING ? undefined : `vzctl stop failed: ${lastLine(r.stderr || r.stdout)}`),
      (e: unknown) => {
        if (isCapsuleError(e) && e.code === 'ExecTimeout') return `did not shut down within ${this.cfg.stop_timeout}s`;
        throw e;
      },
    );
    if (why === undefined || (await this.state(ctx)).run !== 'running') return;
    ctx.log.warn(`${this.cfg.name} ${why}: forcing it off`);
    const r = await this.run(ctx, ['vzctl', 'stop', this.cfg.name, '--fast']);
    if (r.code !== 0 && (await this.state(ctx)).run === 'running') throw actionFailed(this.rid, `vzctl stop ${this.cfg.name} --fast`, r, 'see /var/log/vzctl.log');
  }

  /**
   * vzctl exec2 returns the command's own exit status. Like exec, it joins
   * the arguments into one line for the container's shell: the agent's
   * commands (svcmgr and plain words) pass unchanged.
   */
  guestChannel(): GuestChannel {
    return { kind: 'native', prefix: ['vzctl', 'exec2', this.cfg.name] };
  }

  private confFile(): string {
    return join(this.confDir, `${this.cfg.name}.conf`);
  }

  /** The container's config travels with the service config, so a peer knows the container. */
  replicatedFiles(): string[] {
    return [this.confFile()];
  }

  private destination(to: MigrationDestination): string {
    return (this.settings['migrate_host'] ?? '%n').replace(/%n/g, to.node);
  }

  async precheckMigration(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    if ((await this.state(ctx)).run !== 'running') {
      throw new CapsuleError('MigrationUnsupported', `${this.rid}: ${this.cfg.name} is not running here: nothing to migrate live`, { hint: 'use switch to move a stopped service' });
    }
    const there = await this.run(to, ['vzlist', '-a', '-j', this.cfg.name]);
    if (there.code !== 0) return;
    const listed = (JSON.parse(there.stdout) as { status?: string }[])[0];
    if (holdsPeer(listed?.status)) {
      throw new CapsuleError('GuestRunningElsewhere', `${this.rid}: ${this.cfg.name} already runs on ${to.node}`, { hint: 'stop it there first', details: { rid: this.rid, node: to.node } });
    }
    if (listed) {
      throw new CapsuleError('MigrationUnsupported', `${this.rid}: container ${this.cfg.name} exists on ${to.node} (vzlist: ${listed.status ?? 'no status'}): vzmigrate would refuse it`, { hint: `remove it there (vzctl destroy ${this.cfg.name}) or use switch` });
    }
  }

  async migrate(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    const host = this.destination(to);
    ctx.log.info(`vzmigrate --online ${host} ${this.cfg.name}`);
    if (ctx.dryRun) return;
    const r = await this.run(ctx, ['vzmigrate', '--online', host, this.cfg.name]);
    if (r.code !== 0) throw actionFailed(this.rid, `vzmigrate --online ${host} ${this.cfg.name}`, r, `vzmigrate reaches ${host} over ssh as root: check that, and its exit status in vzmigrate(8)`);
  }
}
