// A VirtualBox machine as a capsule resource, driven with VBoxManage: the
// ACPI power button on stop, powered off after stop_timeout. Its guest is
// reached over ssh (the engine's ssh channel, the node's key and known_hosts).
import { type CapsuleError, type ActionContext, type ContainerContext, type ContainerResource, type ExecResult, type GuestChannel, type MigrationDestination, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { actionFailed, containerMissing, lastLine, stopWithTimeout, tool, waitForGuest, writeFileAtomic } from '@capsule/driver-kit';
import { teleport, teleportPrecheck } from './teleport.js';
import { NOT_FOUND, OFF, parseShowVmInfo, RUNS, statusOfVmState } from './state.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { keywords } from './keywords.js';

export type VboxConfig = SectionConfig<typeof keywords>;

const INSTALL = 'install VirtualBox (VBoxManage comes with it)';

/** `showvminfo --machinereadable`: key="value" lines; undefined when VirtualBox does not know the machine. */
type VmInfo = Record<string, string>;

export class VboxContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  /** A copy of the machine's settings file, replicated to the peers with the service file. */
  readonly settingsCopy: string;
  /** `[driver.vbox]` of node.conf. */
  private readonly settings: Readonly<Record<string, string>>;

  constructor(
    init: ResourceInit<VboxConfig>,
    private readonly cfg = init.config,
  ) {
    this.rid = init.rid;
    this.guestName = cfg.hostname ?? cfg.name;
    this.settingsCopy = join(init.root, 'var/lib/capsule', init.svcname, 'vbox', `${cfg.name}.vbox`);
    this.settings = init.settings.values;
  }

  label(): string {
    return this.cfg.name;
  }

  vboxmanage(ctx: Pick<ActionContext, 'exec'>, args: string[]): Promise<ExecResult> {
    return tool(ctx, this.rid, ['VBoxManage', ...args], { install: INSTALL });
  }

  async info(ctx: Pick<ActionContext, 'exec'>): Promise<VmInfo | undefined> {
    const r = await this.vboxmanage(ctx, ['showvminfo', this.cfg.name, '--machinereadable']);
    if (r.code !== 0) {
      if (NOT_FOUND.test(r.stderr)) return undefined;
      throw this.failed('VBoxManage showvminfo', r);
    }
    return parseShowVmInfo(r.stdout);
  }

  async state(ctx: Pick<ActionContext, 'exec'>): Promise<string | undefined> {
    return (await this.info(ctx))?.['VMState'];
  }

  async status(ctx: ContainerContext): Promise<ResourceStatus> {
    return statusOfVmState(this.cfg.name, await this.state(ctx));
  }

  async start(ctx: ContainerContext): Promise<void> {
    const info = await this.info(ctx);
    if (!info) {
      throw containerMissing(this.rid, `VirtualBox has no machine ${this.cfg.name} on this node`, `register it (VBoxManage registervm ${this.settingsCopy} when it comes from a peer) or fix ${this.rid}.name`);
    }
    const state = info['VMState'];
    if (state === 'paused') {
      ctx.log.info(`VBoxManage controlvm ${this.cfg.name} resume`);
      if (ctx.dryRun) return;
      const r = await this.vboxmanage(ctx, ['controlvm', this.cfg.name, 'resume']);
      if (r.code !== 0) throw this.failed('VBoxManage controlvm resume', r);
    } else if (!RUNS.has(state ?? '')) {
      // A machine that once received a teleport would wait for another one instead of booting.
      if (info['teleporterenabled'] === 'on' && !ctx.dryRun) {
        ctx.log.info(`VBoxManage modifyvm ${this.cfg.name} --teleporter off`);
        const t = await this.vboxmanage(ctx, ['modifyvm', this.cfg.name, '--teleporter', 'off']);
        if (t.code !== 0) throw this.failed('VBoxManage modifyvm --teleporter off', t);
      }
      const argv = ['startvm', this.cfg.name, ...(this.cfg.headless ? ['--type', 'headless'] : [])];
      ctx.log.info(`VBoxManage ${argv.join(' ')}`);
      if (ctx.dryRun) return;
      const r = await this.vboxmanage(ctx, argv);
      if (r.code !== 0 && !RUNS.has((await this.state(ctx)) ?? '')) throw this.failed('VBoxManage startvm', r);
    } else if (ctx.dryRun) return;
    await this.saveSettings(ctx, info['CfgFile']);
    // Running is not enough for encap actions: the guest must answer over ssh.
    await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, hint: `check the guest's network and sshd (VBoxManage showvminfo ${this.cfg.name}) and the node's known_hosts` });
  }

  async stop(ctx: ContainerContext): Promise<void> {
    const info = await this.info(ctx);
    const state = info?.['VMState'];
    if (!info || OFF.has(state ?? '')) return;
    ctx.log.info(`VBoxManage controlvm ${this.cfg.name} acpipowerbutton (${this.cfg.stop_timeout}s before poweroff)`);
    if (ctx.dryRun) return;
    await this.saveSettings(ctx, info['CfgFile']);
    await stopWithTimeout(ctx, {
      name: `machine ${this.cfg.name}`,
      // A paused guest cannot see the power button: it is powered off at once.
      timeoutS: state === 'paused' ? 0 : this.cfg.stop_timeout,
      isDown: async () => OFF.has((await this.state(ctx)) ?? 'poweroff'),
      graceful: async () => {
        if (!RUNS.has(state ?? '')) return;
        const r = await this.vboxmanage(ctx, ['controlvm', this.cfg.name, 'acpipowerbutton']);
        if (r.code !== 0) ctx.log.warn(`VBoxManage controlvm ${this.cfg.name} acpipowerbutton: ${lastLine(r.stderr)}`);
      },
      force: async () => {
        const r = await this.vboxmanage(ctx, ['controlvm', this.cfg.name, 'poweroff']);
        if (r.code !== 0 && !OFF.has((await this.state(ctx)) ?? 'poweroff')) throw this.failed('VBoxManage controlvm poweroff', r);
      },
    });
  }

  guestChannel(): GuestChannel {
    return { kind: 'ssh', host: this.cfg.address ?? this.guestName, port: this.cfg.ssh_port, user: this.cfg.ssh_user };
  }

  /** The machine's settings (the .vbox file) travel with the service config, so a peer can register it. */
  replicatedFiles(): string[] {
    return [this.settingsCopy];
  }

  /** Copies the settings file VirtualBox keeps (CfgFile), written whole. */
  private async saveSettings(ctx: ActionContext, cfgFile: string | undefined): Promise<void> {
    if (!cfgFile) return;
    const xml = await readFile(cfgFile, 'utf8').catch((e: Error) => void ctx.log.warn(`cannot copy the settings of machine ${this.cfg.name}: ${e.message}`));
    if (xml !== undefined) await writeFileAtomic(this.settingsCopy, xml);
  }

  precheckMigration(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    return teleportPrecheck(this, ctx, to);
  }

  /** VirtualBox's live migration: teleporting to the same machine registered on the peer. */
  migrate(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    return teleport(this, ctx, to, { port: this.settings['teleport_port'] ?? '6000', host: (this.settings['teleport_host'] ?? '%n').replace(/%n/g, to.node), timeoutS: this.cfg.start_timeout });
  }

  failed(what: string, r: ExecResult): CapsuleError {
    // VBoxManage says what failed first, then its Details: and Context: lines.
    const said = r.stderr.split('\n').find((l) => /error: /.test(l) && !/error: (Details|Context):/.test(l));
    return actionFailed(this.rid, `${what} ${this.cfg.name}`, said ? { ...r, stderr: said } : r, `see the machine's log (VBoxManage showvminfo ${this.cfg.name} --log 0)`);
  }
}
