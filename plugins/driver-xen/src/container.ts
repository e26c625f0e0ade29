// A Xen domain as a capsule resource, driven with the xl toolstack: created
// from its config file (replicated to the peers), stopped with xl shutdown
// -w and destroyed after stop_timeout; its guest is reached over ssh.
import { CapsuleError, isCapsuleError, type ActionContext, type ContainerContext, type ContainerResource, type ExecResult, type GuestChannel, type MigrationDestination, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { actionFailed, containerMissing, lastLine, tool, waitForGuest } from '@capsule/driver-kit';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { keywords } from './keywords.js';
import { NO_DOMAIN, parseXlList, statusOfFlags } from './state.js';

export type XenConfig = SectionConfig<typeof keywords>;

/** The domain as xl sees it: its run-state flags, or not there. */
type Domain = { flags: string } | undefined;

const INSTALL = 'install the Xen toolstack (apt-get install xen-utils, or xen-tools)';

export class XenContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  private readonly cf: string;
  /** `[driver.xen]` of node.conf. */
  private readonly settings: Readonly<Record<string, string>>;

  constructor(
    init: ResourceInit<XenConfig>,
    private readonly cfg = init.config,
  ) {
    this.rid = init.rid;
    this.guestName = cfg.hostname ?? cfg.name;
    this.settings = init.settings.values;
    this.cf = cfg.cf ?? join(this.settings['confdir'] ?? '/etc/xen', `${cfg.name}.cfg`);
  }

  label(): string {
    return this.cfg.name;
  }

  /** Runs xl on `ctx`'s host; a host not running Xen is a named error, not an exit code. */
  private async xl(ctx: Pick<ActionContext, 'exec'>, args: string[], timeoutMs?: number): Promise<ExecResult> {
    const r = await tool(ctx, this.rid, ['xl', ...args], { install: INSTALL, ...(timeoutMs ? { timeoutMs } : {}) });
    if (r.code !== 0 && /cannot init xl context/.test(r.stderr) && /No such file or directory/.test(r.stderr)) {
      throw new CapsuleError('HypervisorUnavailable', `${this.rid}: xl finds no Xen hypervisor on this node: ${lastLine(r.stderr.replace(/\ncannot init xl context\s*$/, ''))}`, {
        hint: 'boot the node on Xen and start xencommons (systemctl start xencommons)',
        details: { rid: this.rid },
      });
    }
    return r;
  }

  /** `xl list NAME`: exit 1 "invalid domain identifier" is a domain that does not run (xl keeps no stopped domains). */
  private async domain(ctx: Pick<ActionContext, 'exec'>): Promise<Domain> {
    const r = await this.xl(ctx, ['list', this.cfg.name]);
    if (r.code !== 0) {
      if (NO_DOMAIN.test(r.stderr)) return undefined;
      throw actionFailed(this.rid, `xl list ${this.cfg.name}`, r, 'check that xencommons runs (xenstored) and that capsule runs as root');
    }
    const flags = parseXlList(r.stdout, this.cfg.name);
    if (flags === undefined) throw actionFailed(this.rid, `xl list ${this.cfg.name} (unreadable output)`, r, 'report the output of xl list to capsule');
    return { flags };
  }

  private async hasConfigFile(): Promise<boolean> {
    return access(this.cf).then(
      () => true,
      () => false,
    );
  }

  async status(ctx: ContainerContext): Promise<ResourceStatus> {
    const d = await this.domain(ctx);
    if (d) return statusOfFlags(this.cfg.name, d.flags);
    if (!(await this.hasConfigFile())) return { status: 'down', log: [`warn: no domain config file ${this.cf}`] };
    return { status: 'down', log: [] };
  }

  async start(ctx: ContainerContext): Promise<void> {
    let d = await this.domain(ctx);
    if (d?.flags.includes('p')) {
      ctx.log.info(`xl unpause ${this.cfg.name}`);
      if (ctx.dryRun) return;
      const r = await this.xl(ctx, ['unpause', this.cfg.name]);
      if (r.code !== 0) throw actionFailed(this.rid, `xl unpause ${this.cfg.name}`, r, `see xl dmesg and /var/log/xen/xl-${this.cfg.name}.log`);
    } else if (d && /[csd]/.test(d.flags)) {
      // A crashed or dying domain still holds its name: xl create would refuse it.
      ctx.log.info(`xl destroy ${this.cfg.name} (${d.flags}) before creating it again`);
      if (ctx.dryRun) return;
      await this.destroy(ctx);
      d = undefined;
    }
    if (!d) {
      if (!(await this.hasConfigFile())) throw containerMissing(this.rid, `no domain config file ${this.cf} for ${this.cfg.name}`, `write it, set ${this.rid}.cf, or set confdir in [driver.xen] of node.conf`);
      ctx.log.info(`xl create ${this.cf}`);
      if (ctx.dryRun) return;
      const r = await this.xl(ctx, ['create', this.cf]);
      if (r.code !== 0 && !(await this.domain(ctx))) throw actionFailed(this.rid, `xl create ${this.cf}`, r, `see /var/log/xen/xl-${this.cfg.name}.log`);
    } else if (ctx.dryRun) return;
    // Running is not enough for encap actions: the guest must answer over ssh.
    await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, hint: `check the guest's network and sshd (xl console ${this.cfg.name}) and the node's known_hosts` });
  }

  async stop(ctx: ContainerContext): Promise<void> {
    if (!(await this.domain(ctx))) return;
    ctx.log.info(`xl shutdown -F -w ${this.cfg.name} (${this.cfg.stop_timeout}s before xl destroy)`);
    if (ctx.dryRun) return;
    // xl waits for the domain to go (-w); -F falls back to an ACPI power event for HVM guests without PV drivers.
    const why = await this.xl(ctx, ['shutdown', '-F', '-w', this.cfg.name], this.cfg.stop_timeout * 1000).then(
      (r) => (r.code === 0 ? undefined : `xl shutdown failed: ${lastLine(r.stderr || r.stdout)}`),
      (e: unknown) => {
        if (isCapsuleError(e) && e.code === 'ExecTimeout') return `did not shut down within ${this.cfg.stop_timeout}s`;
        throw e;
      },
    );
    if (why === undefined || !(await this.domain(ctx))) return;
    ctx.log.warn(`${this.cfg.name} ${why}: forcing it off`);
    await this.destroy(ctx);
  }

  private async destroy(ctx: ActionContext): Promise<void> {
    const r = await this.xl(ctx, ['destroy', this.cfg.name]);
    if (r.code !== 0 && (await this.domain(ctx))) throw actionFailed(this.rid, `xl destroy ${this.cfg.name}`, r, 'see xl dmesg');
  }

  guestChannel(): GuestChannel {
    return { kind: 'ssh', host: this.cfg.address ?? this.guestName, port: this.cfg.ssh_port, user: this.cfg.ssh_user };
  }

  /** The domain's config file travels with the service config, so a peer can create it. */
  replicatedFiles(): string[] {
    return [this.cf];
  }

  /** The destination as xl migrate names it: node.conf `[driver.xen] migrate_host` (`%n` is the node), by default the node name. */
  private destinationHost(to: MigrationDestination): string {
    return (this.settings['migrate_host'] ?? '%n').replace(/%n/g, to.node);
  }

  async precheckMigration(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    const here = await this.domain(ctx);
    if (!here || statusOfFlags(this.cfg.name, here.flags).status !== 'up') {
      throw new CapsuleError('MigrationUnsupported', `${this.rid}: ${this.cfg.name} is not running here: nothing to migrate live`, { hint: 'use switch to move a stopped service' });
    }
    // xl list -l answers with the domain's JSON only where it exists.
    const there = await this.xl(to, ['list', '-l', this.cfg.name]);
    if (there.code === 0 && /"domid"/.test(there.stdout)) {
      throw new CapsuleError('GuestRunningElsewhere', `${this.rid}: ${this.cfg.name} already runs on ${to.node}`, { hint: 'stop it there first', details: { rid: this.rid, node: to.node } });
    }
  }

  async migrate(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    const host = this.destinationHost(to);
    ctx.log.info(`xl migrate ${this.cfg.name} ${host}`);
    if (ctx.dryRun) return;
    const r = await this.xl(ctx, ['migrate', this.cfg.name, host]);
    if (r.code !== 0) throw actionFailed(this.rid, `xl migrate ${this.cfg.name} ${host}`, r, `xl migrate reaches ${host} over ssh as root: check that, and that ${this.cf} exists there`);
  }
}
