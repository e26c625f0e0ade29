// An Oracle VM Server guest as a capsule resource, driven with xm: the
// domain is named by its uuid and created from its vm.cfg in a repository
// (shared storage) or /etc/xen; its guest is reached over ssh.
import { CapsuleError, type ActionContext, type ContainerContext, type ContainerResource, type ExecResult, type GuestChannel, type MigrationDestination, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { actionFailed, containerMissing, lastLine, stopWithTimeout, tool, waitForGuest } from '@capsule/driver-kit';
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { keywords } from './keywords.js';
import { parseXmList, startAction, statusOfXmFlags } from './state.js';

export type OvmConfig = SectionConfig<typeof keywords>;

const INSTALL = 'install Oracle VM Server (xm comes with its xen tools)';

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

export class OvmContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  private readonly uuid: string;
  private readonly repositories: string;
  private readonly xenDir: string;
  /** `[driver.ovm]` of node.conf. */
  private readonly settings: Readonly<Record<string, string>>;

  constructor(
    init: ResourceInit<OvmConfig>,
    private readonly cfg = init.config,
  ) {
    this.rid = init.rid;
    this.uuid = cfg.uuid;
    this.guestName = cfg.hostname ?? cfg.name ?? cfg.uuid;
    this.settings = init.settings.values;
    this.repositories = this.settings['repositories'] ?? '/OVS/Repositories';
    this.xenDir = this.settings['xen_dir'] ?? '/etc/xen';
  }

  label(): string {
    return this.cfg.name ? `${this.cfg.name} (${this.uuid})` : this.uuid;
  }

  private async xm(ctx: Pick<ActionContext, 'exec'>, args: string[]): Promise<ExecResult> {
    const r = await tool(ctx, this.rid, ['xm', ...args], { install: INSTALL });
    if (r.code !== 0 && /Unable to connect to xend/i.test(r.stderr)) {
      throw new CapsuleError('HypervisorUnavailable', `${this.rid}: xend does not answer: ${lastLine(r.stderr)}`, { hint: 'start xend (service xend start) and the Oracle VM agent (service ovs-agent start)', details: { rid: this.rid } });
    }
    return r;
  }

  /** The domain's flags, '' for one registered and not running, undefined when xend has no domain by this uuid. */
  private async domain(ctx: Pick<ActionContext, 'exec'>): Promise<string | undefined> {
    const running = await this.xm(ctx, ['list', '--state=running']);
    if (running.code !== 0) throw actionFailed(this.rid, 'xm list --state=running', running, 'check that capsule runs as root on the Oracle VM Server');
    const flags = parseXmList(running.stdout, this.uuid);
    if (flags) return flags;
    const r = await this.xm(ctx, ['list', this.uuid]);
    if (r.code !== 0) {
      if (/does not exist/i.test(r.stderr)) return undefined;
      throw actionFailed(this.rid, `xm list ${this.uuid}`, r, 'check xend (xm info)');
    }
    return parseXmList(r.stdout, this.uuid);
  }

  /** vm.cfg in a repository (`REPOSITORIES/*\/VirtualMachines/UUID/vm.cfg`), else XEN_DIR/UUID, as Oracle VM lays them out. */
  private async configFile(ctx: Pick<ActionContext, 'log'>): Promise<string | undefined> {
    const repos = await readdir(this.repositories).catch(() => [] as string[]);
    const found = [];
    for (const repo of repos.sort()) {
      const p = join(this.repositories, repo, 'VirtualMachines', this.uuid, 'vm.cfg');
      if (await exists(p)) found.push(p);
    }
    const local = join(this.xenDir, this.uuid);
    if (await exists(local)) found.push(local);
    if (found.length > 1) ctx.log.warn(`${found.length} configuration files for ${this.uuid}: ${found.join(', ')}; using ${found[0]}`);
    return found[0];
  }

  async status(ctx: ContainerContext): Promise<ResourceStatus> {
    const flags = await this.domain(ctx);
    if (flags) return statusOfXmFlags(this.uuid, flags);
    if (!(await this.configFile(ctx))) return { status: 'down', log: [`warn: no vm.cfg for ${this.uuid} in ${this.repositories}/*/VirtualMachines nor ${this.xenDir}`] };
    return { status: 'down', log: [] };
  }

  async start(ctx: ContainerContext): Promise<void> {
    const flags = await this.domain(ctx);
    const action = startAction(flags);
    if (action === 'unpause') {
      ctx.log.info(`xm unpause ${this.uuid}`);
      if (ctx.dryRun) return;
      const r = await this.xm(ctx, ['unpause', this.uuid]);
      if (r.code !== 0) throw actionFailed(this.rid, `xm unpause ${this.uuid}`, r, 'see /var/log/xen/xend.log');
    } else if (action === 'recreate') {
      ctx.log.info(`xm destroy ${this.uuid} (${flags}) before creating it again`);
      if (ctx.dryRun) return;
      await this.destroy(ctx);
    }
    if (action === 'create' || action === 'recreate') {
      const cf = await this.configFile(ctx);
      if (!cf) throw containerMissing(this.rid, `no vm.cfg for ${this.uuid} in ${this.repositories}/*/VirtualMachines nor ${this.xenDir}`, `check the repository is mounted, or set repositories / xen_dir in [driver.ovm] of node.conf`);
      ctx.log.info(`xm create ${cf}`);
      if (ctx.dryRun) return;
      const r = await this.xm(ctx, ['create', cf]);
      if (r.code !== 0 && !(await this.domain(ctx))) throw actionFailed(this.rid, `xm create ${cf}`, r, 'see /var/log/xen/xend.log');
    } else if (ctx.dryRun) return;
    await waitForGuest(ctx, { rid: this.rid, name: this.guestName, timeoutS: this.cfg.start_timeout, hint: `check the guest's network and sshd (xm console ${this.uuid}) and the node's known_hosts` });
  }

  async stop(ctx: ContainerContext): Promise<void> {
    if (!(await this.domain(ctx))) return;
    ctx.log.info(`xm shutdown ${this.uuid} (${this.cfg.stop_timeout}s before xm destroy)`);
    if (ctx.dryRun) return;
    await stopWithTimeout(ctx, {
      name: this.guestName,
      timeoutS: this.cfg.stop_timeout,
      // A domain registered with xm new stays listed (flags '') once it stops.
      isDown: async () => !(await this.domain(ctx)),
      graceful: async () => {
        const r = await this.xm(ctx, ['shutdown', this.uuid]);
        if (r.code !== 0) ctx.log.warn(`xm shutdown ${this.uuid} failed: ${lastLine(r.stderr || r.stdout)}`);
      },
      force: () => this.destroy(ctx),
    });
  }

  private async destroy(ctx: ActionContext): Promise<void> {
    const r = await this.xm(ctx, ['destroy', this.uuid]);
    if (r.code !== 0 && (await this.domain(ctx))) throw actionFailed(this.rid, `xm destroy ${this.uuid}`, r, 'see /var/log/xen/xend.log');
  }

  guestChannel(): GuestChannel {
    return { kind: 'ssh', host: this.cfg.address ?? this.guestName, port: this.cfg.ssh_port, user: this.cfg.ssh_user };
  }

  /** XEN_DIR/UUID, a node-local config; vm.cfg lives on the repository, shared storage every server of the pool mounts. */
  replicatedFiles(): string[] {
    return [join(this.xenDir, this.uuid)];
  }

  async precheckMigration(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    const here = await this.domain(ctx);
    if (!here || statusOfXmFlags(this.uuid, here).status !== 'up') {
      throw new CapsuleError('MigrationUnsupported', `${this.rid}: ${this.uuid} is not running here: nothing to migrate live`, { hint: 'use switch to move a stopped service' });
    }
    if (await this.domain(to)) {
      throw new CapsuleError('GuestRunningElsewhere', `${this.rid}: ${this.uuid} already runs on ${to.node}`, { hint: 'stop it there first', details: { rid: this.rid, node: to.node } });
    }
  }

  /** Live (`-l`) to node.conf `[driver.ovm] migrate_host` (`%n` is the node), by default the node name: xend's relocation server there. */
  async migrate(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    const host = (this.settings['migrate_host'] ?? '%n').replace(/%n/g, to.node);
    ctx.log.info(`xm migrate -l ${this.uuid} ${host}`);
    if (ctx.dryRun) return;
    const r = await this.xm(ctx, ['migrate', '-l', this.uuid, host]);
    if (r.code !== 0) throw actionFailed(this.rid, `xm migrate -l ${this.uuid} ${host}`, r, `check xend-relocation-server and xend-relocation-hosts-allow in ${host}'s xend-config.sxp`);
  }
}
