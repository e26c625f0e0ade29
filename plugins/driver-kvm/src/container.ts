// A KVM/QEMU guest as a capsule resource: a libvirt domain driven with
// virsh; its guest is reached over ssh (the engine's ssh channel, the
// node's key and known_hosts), or with `qga = true` through its QEMU guest
// agent (virsh qemu-agent-command on this host).
import { CapsuleError, type ActionContext, type ContainerContext, type ContainerResource, type ExecResult, type GuestChannel, type MigrationDestination, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { lastLine, stopWithTimeout, waitForGuest, writeFileAtomic } from '@capsule/driver-kit';
import { join } from 'node:path';
import { pingArgs, waitForAgent } from './agent.js';
import type { keywords } from './keywords.js';
import { statusOfDomState } from './state.js';

/** virsh's state words are translated: untranslated ones whatever the node's locale. */
const VIRSH_ENV = { LC_ALL: 'C' };

export type KvmConfig = SectionConfig<typeof keywords>;

/** A `virsh domstate` word (state.ts), or MISSING for a domain libvirt does not know. */
type DomState = string;

export class KvmContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  private readonly xmlFile: string;
  /** `[driver.kvm]` of node.conf. */
  private readonly settings: Readonly<Record<string, string>>;

  constructor(
    init: ResourceInit<KvmConfig>,
    private readonly cfg = init.config,
  ) {
    this.rid = init.rid;
    this.guestName = cfg.hostname ?? cfg.name;
    this.xmlFile = join(init.root, 'var/lib/capsule', init.svcname, 'kvm', `${cfg.name}.xml`);
    this.settings = init.settings.values;
  }

  label(): string {
    return this.cfg.name;
  }

  /** Runs virsh on `exec`'s host; no virsh and no libvirtd are named errors, not exit codes. */
  private async virsh(ctx: Pick<ActionContext, 'exec'>, args: string[], uri = this.cfg.uri): Promise<ExecResult> {
    const r = await ctx.exec(['virsh', '-c', uri, ...args], { env: VIRSH_ENV });
    if (r.code === 127) {
      throw new CapsuleError('CommandNotFound', `${this.rid}: virsh is not installed on this node`, { hint: 'install libvirt-clients (apt-get install libvirt-clients libvirt-daemon-system)', details: { rid: this.rid, command: 'virsh' } });
    }
    if (r.code !== 0 && /failed to connect to the hypervisor|Failed to connect socket/i.test(r.stderr)) {
      throw new CapsuleError('HypervisorUnavailable', `${this.rid}: libvirt does not answer on ${uri}: ${lastLine(r.stderr)}`, {
        hint: 'start libvirtd (systemctl start libvirtd), or fix the uri keyword',
        details: { rid: this.rid, uri },
      });
    }
    return r;
  }

  private async state(ctx: Pick<ActionContext, 'exec'>, uri = this.cfg.uri): Promise<DomState> {
    const r = await this.virsh(ctx, ['domstate', this.cfg.name], uri);
    if (r.code !== 0) {
      if (/failed to get domain|Domain not found/i.test(r.stderr)) return 'MISSING';
      throw this.failed('virsh domstate', r);
    }
    return r.stdout.trim();
  }

  async status(ctx: ContainerContext): Promise<ResourceStatus> {
    const state = await this.state(ctx);
    if (state === 'MISSING') return { status: 'down', log: [`warn: no domain ${this.cfg.name} on ${this.cfg.uri}`] };
    return statusOfDomState(this.cfg.name, state);
  }

  async start(ctx: ContainerContext): Promise<void> {
    const state = await this.state(ctx);
    if (state === 'MISSING') throw this.missing();
    if (state !== 'running' && state !== 'idle') {
      // A preserved crash is still active: virsh start refuses it until destroyed.
      if (state === 'crashed' && !ctx.dryRun) await this.virsh(ctx, ['destroy', this.cfg.name]);
      const verb = state === 'paused' ? 'resume' : state === 'pmsuspended' ? 'dompmwakeup' : 'start';
      ctx.log.info(`virsh ${verb} ${this.cfg.name}`);
      if (ctx.dryRun) return;
      const r = await this.virsh(ctx, [verb, this.cfg.name]);
      if (r.code !== 0 && (await this.state(ctx)) !== 'running') throw this.failed(`virsh ${verb}`, r);
    } else if (ctx.dryRun) return;
    await this.saveXml(ctx);
    // Running is not enough for encap actions: the guest must answer on its channel.
    if (this.cfg.qga) {
      return waitForAgent(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, ping: () => this.virsh(ctx, pingArgs(this.cfg.name)) });
    }
    await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, hint: `check the guest's network and sshd (virsh console ${this.cfg.name}) and the node's known_hosts` });
  }

  async stop(ctx: ContainerContext): Promise<void> {
    const state = await this.state(ctx);
    if (state === 'MISSING' || state === 'shut off') return;
    ctx.log.info(`virsh shutdown ${this.cfg.name} (${this.cfg.stop_timeout}s before destroy)`);
    if (ctx.dryRun) return;
    await this.saveXml(ctx);
    await stopWithTimeout(ctx, {
      name: this.cfg.name,
      timeoutS: this.cfg.stop_timeout,
      isDown: async () => (await this.state(ctx)) === 'shut off',
      graceful: async () => void (await this.virsh(ctx, ['shutdown', this.cfg.name])),
      force: async () => {
        const d = await this.virsh(ctx, ['destroy', this.cfg.name]);
        if (d.code !== 0 && (await this.state(ctx)) !== 'shut off') throw this.failed('virsh destroy', d);
      },
    });
  }

  guestChannel(): GuestChannel {
    if (this.cfg.qga) return { kind: 'qga', uri: this.cfg.uri, domain: this.cfg.name };
    return { kind: 'ssh', host: this.cfg.address ?? this.guestName, port: this.cfg.ssh_port, user: this.cfg.ssh_user };
  }

  /** The domain's definition travels with the service config, so a peer can define it. */
  replicatedFiles(): string[] {
    return [this.xmlFile];
  }

  /** `virsh dumpxml --inactive`, written whole (temp file and rename). */
  private async saveXml(ctx: ActionContext): Promise<void> {
    const r = await this.virsh(ctx, ['dumpxml', '--inactive', this.cfg.name]);
    if (r.code !== 0) return ctx.log.warn(`cannot save the definition of ${this.cfg.name}: ${lastLine(r.stderr)}`);
    await writeFileAtomic(this.xmlFile, r.stdout);
  }

  /**
   * The destination's libvirt as this host's libvirtd reaches it: node.conf
   * `[driver.kvm] migrate_uri` (`%n` is the destination node), by default
   * `qemu+ssh://%n/system`; `migrate_data_uri` sets where the memory stream
   * goes (`virsh migrate --migrateuri`) when the default address is wrong.
   */
  private destinationUris(to: MigrationDestination): string[] {
    const sub = (t: string) => t.replace(/%n/g, to.node);
    const uri = sub(this.settings['migrate_uri'] ?? 'qemu+ssh://%n/system');
    const data = this.settings['migrate_data_uri'];
    return [uri, ...(data ? ['--migrateuri', sub(data)] : [])];
  }

  async precheckMigration(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    if ((await this.state(ctx)) !== 'running') {
      throw new CapsuleError('MigrationUnsupported', `${this.rid}: ${this.cfg.name} is not running here: nothing to migrate live`, { hint: `use switch to move a stopped service` });
    }
    const there = await this.state(to);
    if (there === 'running' || there === 'paused') {
      throw new CapsuleError('GuestRunningElsewhere', `${this.rid}: ${this.cfg.name} already runs on ${to.node}`, { hint: `stop it there first`, details: { rid: this.rid, node: to.node } });
    }
  }

  async migrate(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    const dest = this.destinationUris(to);
    ctx.log.info(`virsh migrate --live --persistent --undefinesource ${this.cfg.name} ${dest.join(' ')}`);
    if (ctx.dryRun) return;
    const r = await this.virsh(ctx, ['migrate', '--live', '--persistent', '--undefinesource', this.cfg.name, ...dest]);
    if (r.code !== 0) throw this.failed(`virsh migrate to ${to.node}`, r);
  }

  private missing(): CapsuleError {
    return new CapsuleError('ContainerNotFound', `${this.rid}: no domain ${this.cfg.name} on ${this.cfg.uri}`, {
      hint: `define it (virsh -c ${this.cfg.uri} define FILE.xml) or fix ${this.rid}.name`,
      details: { rid: this.rid, name: this.cfg.name },
    });
  }

  private failed(what: string, r: ExecResult): CapsuleError {
    return new CapsuleError('ContainerActionFailed', `${this.rid}: ${what} ${this.cfg.name} failed with exit ${r.code}: ${lastLine(r.stderr || r.stdout)}`, {
      hint: `see /var/log/libvirt/qemu/${this.cfg.name}.log`,
      details: { rid: this.rid, code: r.code },
    });
  }
}
