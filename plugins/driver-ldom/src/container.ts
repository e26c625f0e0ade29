// A logical domain (Oracle VM Server for SPARC) as a capsule resource. ldm
// runs on the control domain: this node, or the management host the engine
// reaches over ssh (mgmt_host, or [driver.ldom] host in node.conf). The
// domain itself is reached over its own sshd.
import type { ActionContext, ContainerContext, ContainerResource, ExecOptions, ExecResult, GuestChannel, ManagementHost, MigrationDestination, ResourceInit, ResourceStatus, SectionConfig } from '@capsule/core';
import { CapsuleError, ErrorCode } from '@capsule/core';
import { actionFailed, containerMissing, lastLine, managementHost, stopWithTimeout, tool, toolPath, waitForGuest, writeFileAtomic } from '@capsule/driver-kit';
import { join } from 'node:path';
import type { keywords } from './keywords.js';
import { parseDomain, statusOf, type LdomState } from './status.js';

export type LdomConfig = SectionConfig<typeof keywords>;

const INSTALL = 'install the Logical Domains Manager (SUNWldm) on the control domain, or set [driver.ldom] bin_dir (/usr/sbin) in node.conf';

export class LdomContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  private readonly constraints: string;
  private readonly settings: ResourceInit['settings'];

  constructor(
    init: ResourceInit<LdomConfig>,
    private readonly cfg = init.config,
  ) {
    this.rid = init.rid;
    this.guestName = cfg.hostname ?? cfg.name;
    this.settings = init.settings;
    this.constraints = join(init.root, 'var/lib/capsule', init.svcname, 'ldom', `${cfg.name}.xml`);
  }

  label(): string {
    return this.cfg.name;
  }

  managedFrom(): ManagementHost | undefined {
    return managementHost(this.cfg, this.settings);
  }

  private where(): string {
    return this.managedFrom()?.host ?? 'this control domain';
  }

  private ldm(ctx: Pick<ActionContext, 'exec'>, args: string[], o: ExecOptions = {}): Promise<ExecResult> {
    return tool(ctx, this.rid, [toolPath(this.settings, 'ldm'), ...args], { install: INSTALL, ...o });
  }

  /** `ldm SUBCOMMAND NAME`, failing with ldm's words unless it succeeds or `done` holds afterwards. */
  private async act(ctx: ActionContext, sub: string, done: (d: LdomState | undefined) => boolean, o: ExecOptions = {}, flags: string[] = []): Promise<void> {
    const r = await this.ldm(ctx, [sub, ...flags, this.cfg.name], o);
    if (r.code !== 0 && !done(await this.state(ctx))) throw actionFailed(this.rid, `ldm ${[sub, ...flags, this.cfg.name].join(' ')}`, r, `check the domain on ${this.where()} (ldm list -l ${this.cfg.name})`);
  }

  /** The domain's state; undefined for a domain the control domain does not know. */
  private async state(ctx: Pick<ActionContext, 'exec'>): Promise<LdomState | undefined> {
    const r = await this.ldm(ctx, ['list', '-p', this.cfg.name]);
    if (r.code !== 0) {
      if (/not found|does not exist|invalid domain/i.test(r.stderr)) return undefined;
      throw actionFailed(this.rid, `ldm list -p ${this.cfg.name}`, r, `check ldmd on ${this.where()} (svcs ldmd)`);
    }
    const d = parseDomain(r.stdout, this.cfg.name);
    if (!d) throw new CapsuleError(ErrorCode.ContainerActionFailed, `${this.rid}: ldm list -p ${this.cfg.name} printed no state: ${lastLine(r.stdout) || 'no output'}`, { hint: 'check the Logical Domains Manager version', details: { rid: this.rid } });
    return d;
  }

  private async isShutdown(ctx: Pick<ActionContext, 'exec'>): Promise<boolean> {
    const d = await this.state(ctx);
    return d?.state !== 'active';
  }

  async status(ctx: ContainerContext): Promise<ResourceStatus> {
    return statusOf(this.cfg.name, await this.state(ctx), this.where());
  }

  /** inactive -> bind-domain -> bound -> start-domain -> active, then wait for its sshd. */
  async start(ctx: ContainerContext): Promise<void> {
    const d = await this.state(ctx);
    if (!d) throw containerMissing(this.rid, `no domain ${this.cfg.name} on ${this.where()}`, `create it (ldm add-domain -i ${this.cfg.name}.xml) or fix ${this.rid}.name`);
    if (d.state !== 'active') {
      ctx.log.info(`${d.state === 'inactive' ? `ldm bind-domain ${this.cfg.name}; ` : ''}ldm start-domain ${this.cfg.name}`);
      if (ctx.dryRun) return;
      if (d.state === 'inactive') await this.act(ctx, 'bind-domain', (s) => s?.state !== 'inactive');
      await this.act(ctx, 'start-domain', (s) => s?.state === 'active');
    } else if (ctx.dryRun) return;
    await this.saveConstraints(ctx);
    await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, hint: `check the domain's network and sshd (its console: telnet localhost PORT from ldm list ${this.cfg.name})` });
  }

  /** stop-domain (graceful), stop-domain -f after stop_timeout, then unbind-domain to free its resources. */
  async stop(ctx: ContainerContext): Promise<void> {
    const d = await this.state(ctx);
    if (!d || d.state === 'inactive') return;
    ctx.log.info(`ldm stop-domain -t ${this.cfg.stop_timeout} ${this.cfg.name} (then stop-domain -f), ldm unbind-domain ${this.cfg.name}`);
    if (ctx.dryRun) return;
    await this.saveConstraints(ctx);
    if (d.state === 'active') {
      // A graceful stop-domain waits for the domain's OS; it runs while we poll, bounded by stop_timeout.
      let graceful: Promise<unknown> = Promise.resolve();
      await stopWithTimeout(ctx, {
        name: this.cfg.name,
        timeoutS: this.cfg.stop_timeout,
        isDown: () => this.isShutdown(ctx),
        graceful: async () => {
          graceful = this.ldm(ctx, ['stop-domain', '-t', String(this.cfg.stop_timeout), this.cfg.name], { timeoutMs: (this.cfg.stop_timeout + 1) * 1000 }).catch(() => undefined);
        },
        force: async () => {
          await graceful;
          await this.act(ctx, 'stop-domain', (s) => s?.state !== 'active', {}, ['-f']);
        },
      });
      await graceful;
    }
    await this.act(ctx, 'unbind-domain', (s) => s?.state === 'inactive');
  }

  guestChannel(): GuestChannel {
    return { kind: 'ssh', host: this.cfg.address ?? this.guestName, port: this.cfg.ssh_port, user: this.cfg.ssh_user };
  }

  /** The domain's constraints (ldm list-constraints -x), from which a peer's control domain can add it. */
  replicatedFiles(): string[] {
    return [this.constraints];
  }

  private async saveConstraints(ctx: ActionContext): Promise<void> {
    const r = await this.ldm(ctx, ['list-constraints', '-x', this.cfg.name]);
    if (r.code !== 0) return ctx.log.warn(`cannot save the constraints of ${this.cfg.name}: ${lastLine(r.stderr)}`);
    await writeFileAtomic(this.constraints, r.stdout);
  }

  /**
   * migrate-domain's arguments: the target from [driver.ldom] migrate_target
   * (`%n` the destination node, `user@` allowed; default the node), and a
   * password file (migrate_password_file, on the control domain) or else
   * certificate authentication (-c).
   */
  private migrateArgs(to: MigrationDestination, dryRun: boolean): string[] {
    const target = (this.settings.values['migrate_target'] ?? '%n').replace(/%n/g, to.node);
    const file = this.settings.values['migrate_password_file'];
    return ['migrate-domain', ...(dryRun ? ['-n'] : []), ...(file ? ['-p', file] : ['-c']), this.cfg.name, target];
  }

  async precheckMigration(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    if ((await this.state(ctx))?.state !== 'active') {
      throw new CapsuleError(ErrorCode.MigrationUnsupported, `${this.rid}: ${this.cfg.name} is not active here: nothing to migrate live`, { hint: 'use switch to move a stopped service' });
    }
    const there = await this.state(to);
    if (there) {
      throw new CapsuleError(there.state === 'active' ? ErrorCode.GuestRunningElsewhere : ErrorCode.MigrationUnsupported, `${this.rid}: a domain ${this.cfg.name} is already ${there.state} on ${to.node}`, {
        hint: `migrate-domain needs the name free on the target: stop and remove it there (ldm remove-domain ${this.cfg.name})`,
        details: { rid: this.rid, node: to.node },
      });
    }
    // ldm checks the target itself (connectivity, credentials, resources) without moving anything.
    const args = this.migrateArgs(to, true);
    const r = await this.ldm(ctx, args);
    if (r.code !== 0) throw actionFailed(this.rid, `ldm ${args.join(' ')}`, r, `check ldmd and the credentials on ${to.node}`);
  }

  async migrate(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    const args = this.migrateArgs(to, false);
    ctx.log.info(`ldm ${args.join(' ')}`);
    if (ctx.dryRun) return;
    await this.saveConstraints(ctx);
    const r = await this.ldm(ctx, args);
    if (r.code !== 0) throw actionFailed(this.rid, `ldm ${args.join(' ')}`, r, `check ldmd and the credentials on ${to.node}`);
  }
}
