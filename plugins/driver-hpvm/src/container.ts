// An HP Integrity VM guest as a capsule resource. The hpvm* commands run on
// the VM Host: this node, or the management host the engine reaches over
// ssh (mgmt_host, or [driver.hpvm] host in node.conf). The guest itself is
// reached over its own sshd.
import type { ContainerContext, ContainerResource, ExecOptions, ExecResult, GuestChannel, ManagementHost, MigrationDestination, ResourceInit, ResourceStatus, SectionConfig, ActionContext } from '@capsule/core';
import { CapsuleError, ErrorCode } from '@capsule/core';
import { actionFailed, containerMissing, lastLine, managementHost, stopWithTimeout, tool, toolPath, waitForGuest, writeFileAtomic } from '@capsule/driver-kit';
import { join } from 'node:path';
import type { keywords } from './keywords.js';
import { parseMachineLine, statusOf, type HpvmState } from './status.js';

export type HpvmConfig = SectionConfig<typeof keywords>;

const INSTALL = 'install HP Integrity VM on the VM Host, or set [driver.hpvm] bin_dir (/opt/hpvm/bin) in node.conf';

export class HpvmContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  private readonly definition: string;
  private readonly settings: ResourceInit['settings'];

  constructor(
    init: ResourceInit<HpvmConfig>,
    private readonly cfg = init.config,
  ) {
    this.rid = init.rid;
    this.guestName = cfg.hostname ?? cfg.name;
    this.settings = init.settings;
    this.definition = join(init.root, 'var/lib/capsule', init.svcname, 'hpvm', `${cfg.name}.devices`);
  }

  label(): string {
    return this.cfg.name;
  }

  managedFrom(): ManagementHost | undefined {
    return managementHost(this.cfg, this.settings);
  }

  private where(): string {
    return this.managedFrom()?.host ?? 'this VM Host';
  }

  private hpvm(ctx: Pick<ActionContext, 'exec'>, command: string, args: string[], o: ExecOptions = {}): Promise<ExecResult> {
    return tool(ctx, this.rid, [toolPath(this.settings, command), ...args], { install: INSTALL, ...o });
  }

  /** The guest's run state; undefined for a guest the VM Host does not know. */
  private async state(ctx: Pick<ActionContext, 'exec'>): Promise<HpvmState | undefined> {
    const r = await this.hpvm(ctx, 'hpvmstatus', ['-M', '-P', this.cfg.name]);
    if (r.code !== 0) {
      if (/unable to find|does not exist|not found/i.test(r.stderr)) return undefined;
      throw actionFailed(this.rid, `hpvmstatus -M -P ${this.cfg.name}`, r, `check the VM Host (${this.where()}) with hpvmstatus`);
    }
    const s = parseMachineLine(r.stdout);
    if (!s) throw new CapsuleError(ErrorCode.ContainerActionFailed, `${this.rid}: hpvmstatus -M -P ${this.cfg.name} printed no run state: ${lastLine(r.stdout) || 'no output'}`, { hint: 'check the Integrity VM version on the VM Host', details: { rid: this.rid } });
    return s;
  }

  private async isOff(ctx: Pick<ActionContext, 'exec'>): Promise<boolean> {
    const s = await this.state(ctx);
    return !s || s.state === 'Off';
  }

  async status(ctx: ContainerContext): Promise<ResourceStatus> {
    return statusOf(this.cfg.name, await this.state(ctx), this.where());
  }

  async start(ctx: ContainerContext): Promise<void> {
    const s = await this.state(ctx);
    if (!s) throw containerMissing(this.rid, `no guest ${this.cfg.name} on ${this.where()}`, `create it (hpvmcreate -P ${this.cfg.name}) or fix ${this.rid}.name`);
    if (s.state !== 'On') {
      ctx.log.info(`hpvmstart -P ${this.cfg.name}`);
      if (ctx.dryRun) return;
      const r = await this.hpvm(ctx, 'hpvmstart', ['-P', this.cfg.name]);
      if (r.code !== 0 && (await this.state(ctx))?.state !== 'On') throw actionFailed(this.rid, `hpvmstart -P ${this.cfg.name}`, r, `see hpvmstatus -V -P ${this.cfg.name} and /var/opt/hpvm/common/command.log on ${this.where()}`);
    } else if (ctx.dryRun) return;
    await this.saveDefinition(ctx);
    await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, hint: `check the guest's network and sshd (hpvmconsole -P ${this.cfg.name}) and the node's known_hosts` });
  }

  /** `hpvmstop -g -F` (graceful, no confirmation), then `hpvmstop -F` (power off) after stop_timeout. */
  async stop(ctx: ContainerContext): Promise<void> {
    if (await this.isOff(ctx)) return;
    ctx.log.info(`hpvmstop -g -F -P ${this.cfg.name} (${this.cfg.stop_timeout}s before hpvmstop -F)`);
    if (ctx.dryRun) return;
    await this.saveDefinition(ctx);
    // hpvmstop -g waits for the guest OS; it runs while we poll, bounded by stop_timeout.
    let graceful: Promise<unknown> = Promise.resolve();
    await stopWithTimeout(ctx, {
      name: this.cfg.name,
      timeoutS: this.cfg.stop_timeout,
      isDown: () => this.isOff(ctx),
      graceful: async () => {
        graceful = this.hpvm(ctx, 'hpvmstop', ['-g', '-F', '-P', this.cfg.name], { timeoutMs: (this.cfg.stop_timeout + 1) * 1000 }).catch(() => undefined);
      },
      force: async () => {
        await graceful;
        const r = await this.hpvm(ctx, 'hpvmstop', ['-F', '-P', this.cfg.name]);
        if (r.code !== 0 && !(await this.isOff(ctx))) throw actionFailed(this.rid, `hpvmstop -F -P ${this.cfg.name}`, r, `see /var/opt/hpvm/common/command.log on ${this.where()}`);
      },
    });
    await graceful;
  }

  guestChannel(): GuestChannel {
    return { kind: 'ssh', host: this.cfg.address ?? this.guestName, port: this.cfg.ssh_port, user: this.cfg.ssh_user };
  }

  /** The guest's devices as hpvmcreate takes them, so a peer VM Host can define it. */
  replicatedFiles(): string[] {
    return [this.definition];
  }

  private async saveDefinition(ctx: ActionContext): Promise<void> {
    const r = await this.hpvm(ctx, 'hpvmstatus', ['-d', '-P', this.cfg.name]);
    if (r.code !== 0) return ctx.log.warn(`cannot save the devices of ${this.cfg.name}: ${lastLine(r.stderr)}`);
    await writeFileAtomic(this.definition, r.stdout);
  }

  /** The destination VM Host: [driver.hpvm] migrate_host (`%n` the destination node), by default the node itself. */
  private destination(to: MigrationDestination): string {
    return (this.settings.values['migrate_host'] ?? '%n').replace(/%n/g, to.node);
  }

  async precheckMigration(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    if ((await this.state(ctx))?.state !== 'On') {
      throw new CapsuleError(ErrorCode.MigrationUnsupported, `${this.rid}: ${this.cfg.name} is not running here: nothing to migrate online`, { hint: 'use switch to move a stopped service' });
    }
    if ((await this.state(to))?.state === 'On') {
      throw new CapsuleError(ErrorCode.GuestRunningElsewhere, `${this.rid}: ${this.cfg.name} already runs on ${to.node}`, { hint: 'stop it there first', details: { rid: this.rid, node: to.node } });
    }
  }

  async migrate(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    const host = this.destination(to);
    ctx.log.info(`hpvmmigrate -o -P ${this.cfg.name} -h ${host}`);
    if (ctx.dryRun) return;
    await this.saveDefinition(ctx);
    const r = await this.hpvm(ctx, 'hpvmmigrate', ['-o', '-P', this.cfg.name, '-h', host]);
    if (r.code !== 0) throw actionFailed(this.rid, `hpvmmigrate -o -P ${this.cfg.name} -h ${host}`, r, `check that ${host} is a VM Host licensed for online migration and that the guest is enabled for it (hpvmmodify -x online_migration=enabled)`);
  }
}
