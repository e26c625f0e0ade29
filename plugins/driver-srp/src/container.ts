// An HP-UX Container (SRP) as a capsule resource. srp and srp_su run on the
// HP-UX host: this node, or the management host the engine reaches over ssh
// (mgmt_host, or [driver.srp] host in node.conf). Commands run in the
// container through srp_su, which works like su(1) inside it.
import type { ActionContext, ContainerContext, ContainerResource, ExecOptions, ExecResult, GuestChannel, ManagementHost, ResourceInit, ResourceStatus, SectionConfig } from '@capsule/core';
import { CapsuleError, ErrorCode } from '@capsule/core';
import { actionFailed, containerMissing, lastLine, managementHost, stopWithTimeout, tool, toolPath, waitForGuest, writeFileAtomic } from '@capsule/driver-kit';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { keywords } from './keywords.js';
import { parseStatus, statusOf, type SrpState } from './status.js';

export type SrpConfig = SectionConfig<typeof keywords>;

const INSTALL = 'install HP-UX Containers (SRP) on the HP-UX host, or set [driver.srp] bin_dir (/opt/hpsrp/bin) in node.conf';
/** srp -stop ends by terminating the container's remaining processes: how long that may take past stop_timeout. */
const TERMINATE_S = 120;

export class SrpContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  private readonly exported: string;
  private readonly settings: ResourceInit['settings'];

  constructor(
    init: ResourceInit<SrpConfig>,
    private readonly cfg = init.config,
  ) {
    this.rid = init.rid;
    this.guestName = cfg.hostname ?? cfg.name;
    this.settings = init.settings;
    this.exported = join(init.root, 'var/lib/capsule', init.svcname, 'srp', `${cfg.name}.xml`);
  }

  label(): string {
    return this.cfg.name;
  }

  managedFrom(): ManagementHost | undefined {
    return managementHost(this.cfg, this.settings);
  }

  private where(): string {
    return this.managedFrom()?.host ?? 'this HP-UX host';
  }

  private srp(ctx: Pick<ActionContext, 'exec'>, args: string[], o: ExecOptions = {}): Promise<ExecResult> {
    return tool(ctx, this.rid, [toolPath(this.settings, 'srp'), ...args], { install: INSTALL, ...o });
  }

  /** The container's state; undefined for a container the host does not know. */
  private async state(ctx: Pick<ActionContext, 'exec'>): Promise<SrpState | undefined> {
    const r = await this.srp(ctx, ['-status', this.cfg.name]);
    if (r.code !== 0) {
      if (/does not exist|not found|unknown container/i.test(r.stderr)) return undefined;
      throw actionFailed(this.rid, `srp -status ${this.cfg.name}`, r, `check HP-UX Containers on ${this.where()} (srp -status)`);
    }
    const s = parseStatus(r.stdout, this.cfg.name);
    if (!s) throw new CapsuleError(ErrorCode.ContainerActionFailed, `${this.rid}: srp -status ${this.cfg.name} printed no row for it: ${lastLine(r.stdout) || 'no output'}`, { hint: 'check the HP-UX Containers version', details: { rid: this.rid } });
    return s;
  }

  async status(ctx: ContainerContext): Promise<ResourceStatus> {
    return statusOf(this.cfg.name, await this.state(ctx), this.where());
  }

  async start(ctx: ContainerContext): Promise<void> {
    const s = await this.state(ctx);
    if (!s) throw containerMissing(this.rid, `no container ${this.cfg.name} on ${this.where()}`, `import it (srp -batch -import -xfile ${this.cfg.name}.xml) or fix ${this.rid}.name`);
    if (s.state === 'stopped') {
      ctx.log.info(`srp -start ${this.cfg.name}`);
      if (ctx.dryRun) return;
      const r = await this.srp(ctx, ['-start', this.cfg.name], { timeoutMs: this.cfg.start_timeout * 1000 });
      if (r.code !== 0 && (await this.state(ctx))?.state !== 'started') throw actionFailed(this.rid, `srp -start ${this.cfg.name}`, r, `see ${s.rootpath}/srp.log and ${s.rootpath}/etc/rc.log on ${this.where()}`);
    } else if (s.state !== 'started' && s.state !== 'starting') {
      throw new CapsuleError(ErrorCode.ContainerActionFailed, `${this.rid}: container ${this.cfg.name} is ${s.state}: it cannot be started now`, { hint: s.state === 'maintenance' ? 'wait for the software installation in it to end' : 'wait for the stop to end, then start again', details: { rid: this.rid } });
    } else if (ctx.dryRun) return;
    await this.saveExport(ctx);
    await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, hint: `check the container's login service and run level (srp -status ${this.cfg.name} -v)` });
  }

  /**
   * srp -stop: run level 0 in the container, then srp itself terminates what
   * is left. Past stop_timeout the driver warns and waits for that to end.
   */
  async stop(ctx: ContainerContext): Promise<void> {
    const s = await this.state(ctx);
    if (!s || s.state === 'stopped') return;
    ctx.log.info(`srp -stop ${this.cfg.name}`);
    if (ctx.dryRun) return;
    await this.saveExport(ctx);
    let stopping: Promise<ExecResult | undefined> = Promise.resolve(undefined);
    const stopped = async () => (await this.state(ctx))?.state === 'stopped';
    await stopWithTimeout(ctx, {
      name: this.cfg.name,
      timeoutS: this.cfg.stop_timeout,
      isDown: stopped,
      graceful: async () => {
        stopping = this.srp(ctx, ['-stop', this.cfg.name], { timeoutMs: (this.cfg.stop_timeout + TERMINATE_S) * 1000 });
        // Surfaced by force() or below; not left unhandled while we poll.
        stopping.catch(() => undefined);
      },
      force: async () => {
        ctx.log.info(`waiting for srp -stop ${this.cfg.name} to terminate the container's remaining processes`);
        await this.settle(await stopping, stopped);
      },
    });
    await this.settle(await stopping, stopped);
  }

  private async settle(r: ExecResult | undefined, stopped: () => Promise<boolean>): Promise<void> {
    if (r && r.code !== 0 && !(await stopped())) throw actionFailed(this.rid, `srp -stop ${this.cfg.name}`, r, `see the container's srp.log on ${this.where()}`);
  }

  /** srp_su passes its arguments to the shell like su(1): `-c 'exec "$0" "$@"' argv...` runs argv as given. */
  guestChannel(): GuestChannel {
    return { kind: 'native', prefix: [toolPath(this.settings, 'srp_su'), this.cfg.name, 'root', '-c', 'exec "$0" "$@"'] };
  }

  /** srp's exchange file, from which a peer imports the container (srp -batch -import). */
  replicatedFiles(): string[] {
    return [this.exported];
  }

  /** srp -export writes on the HP-UX host: export to a temporary file there, read it back, remove it. */
  private async saveExport(ctx: ActionContext): Promise<void> {
    const tmp = `/var/tmp/capsule-srp-${this.cfg.name}-${randomBytes(4).toString('hex')}.xml`;
    try {
      const r = await this.srp(ctx, ['-batch', '-export', this.cfg.name, '-xfile', tmp]);
      if (r.code !== 0) return ctx.log.warn(`cannot export ${this.cfg.name}: ${lastLine(r.stderr || r.stdout)}`);
      const cat = await ctx.exec(['cat', tmp]);
      if (cat.code !== 0) return ctx.log.warn(`cannot read the export of ${this.cfg.name}: ${lastLine(cat.stderr)}`);
      await writeFileAtomic(this.exported, cat.stdout);
    } finally {
      await ctx.exec(['rm', '-f', tmp]).catch(() => undefined);
    }
  }
}
