// A vSphere VM as a capsule resource, driven through vCenter's REST API:
// power on, guest shutdown (VMware Tools) then power off after
// stop_timeout, vMotion by relocate; its guest is reached over ssh.
import { CapsuleError, ErrorCode, type ContainerContext, type ContainerResource, type GuestChannel, type MigrationDestination, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { containerMissing, RememberedAddress, stopWithTimeout, tlsWarnings, waitForGuest } from '@capsule/driver-kit';
import { join } from 'node:path';
import { errorType, VcenterSession } from './api.js';
import type { keywords } from './keywords.js';
import { crashed, guestShutdownOutcome, MISSING, parsePower, statusOfPower, vmsNamed, type VmSummary } from './state.js';

export type EsxConfig = SectionConfig<typeof keywords>;

/** vCenter's power state word (POWERED_ON, POWERED_OFF, SUSPENDED, or one a later vCenter prints), MISSING for a VM it does not know. */
interface Power {
  word: string;
  crashed: boolean;
}

export class EsxContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  private readonly api: VcenterSession;
  private readonly insecure: string[];
  private readonly settings: Readonly<Record<string, string>>;
  private readonly nodename: string;
  private readonly address: RememberedAddress;

  constructor(
    init: ResourceInit<EsxConfig>,
    private readonly cfg = init.config,
  ) {
    this.rid = init.rid;
    this.guestName = cfg.hostname ?? cfg.name;
    this.settings = init.settings.values;
    this.nodename = init.nodename;
    this.address = new RememberedAddress(join(init.root, 'var/lib/capsule', init.svcname, 'esx', `${cfg.name}.address`));
    this.api = new VcenterSession(init.rid, init.settings, join(init.root, 'var/lib/capsule/driver.esx'));
    this.insecure = tlsWarnings(init.settings, 'esx');
  }

  label(): string {
    return this.cfg.name;
  }

  /** The `address` keyword, else the address VMware Tools last reported (kept on disk), else the host name. */
  guestChannel(): GuestChannel {
    return { kind: 'ssh', host: this.cfg.address ?? this.address.get() ?? this.guestName, port: this.cfg.ssh_port, user: this.cfg.ssh_user };
  }

  /** Remembers the guest's address as VMware Tools reports it; a guest without Tools reports none. */
  private async rememberAddress(vm: string): Promise<void> {
    if (this.cfg.address) return;
    const r = await this.api.call('GET', `/api/vcenter/vm/${vm}/guest/identity`);
    if (r.status === 200) await this.address.set((r.json as { ip_address?: string }).ip_address);
  }

  /** The ESX host of a node: node.conf `[driver.esx] host` (`%n` is the node), unset when any host is "here". */
  private hostOfNode(node: string, keyword = 'host'): string | undefined {
    const t = this.settings[keyword];
    return t === undefined ? undefined : t.replace(/%n/g, node);
  }

  private async hostId(name: string): Promise<string | undefined> {
    const r = await this.api.call('GET', `/api/vcenter/host?names=${encodeURIComponent(name)}`);
    if (r.status !== 200) throw this.api.error(`GET /api/vcenter/host?names=${name}`, r);
    return (r.json as { host: string }[])[0]?.host;
  }

  private async find(hostName?: string): Promise<VmSummary | undefined> {
    const host = hostName === undefined ? undefined : await this.hostId(hostName);
    if (hostName !== undefined && host === undefined) return undefined;
    const path = `/api/vcenter/vm?names=${encodeURIComponent(this.cfg.name)}${host ? `&hosts=${encodeURIComponent(host)}` : ''}`;
    const r = await this.api.call('GET', path);
    if (r.status !== 200) throw this.api.error(`GET ${path}`, r);
    const hits = vmsNamed(r.json, this.cfg.name);
    if (!hits) throw this.api.error(`GET ${path} (not a list of VMs)`, r);
    if (hits.length > 1) {
      throw new CapsuleError(ErrorCode.EndpointError, `${this.rid}: ${hits.length} VMs are named ${this.cfg.name} in vCenter (${hits.map((v) => v.vm).join(', ')})`, { hint: 'VM names are unique per folder only: rename all but one' });
    }
    return hits[0];
  }

  private async power(vm: string): Promise<Power> {
    const r = await this.api.call('GET', `/api/vcenter/vm/${vm}/power`);
    if (r.status === 404) return { word: MISSING, crashed: false };
    if (r.status !== 200) throw this.api.error(`GET /api/vcenter/vm/${vm}/power`, r);
    return { word: parsePower(r.json), crashed: crashed(r.json) };
  }

  /** The VM's state, and a warning on every look while TLS verification is off for the endpoint. */
  async status(): Promise<ResourceStatus> {
    const s = await this.state();
    return this.insecure.length ? { ...s, log: [...s.log, ...this.insecure] } : s;
  }

  private async state(): Promise<ResourceStatus> {
    const vm = await this.find();
    if (!vm) return { status: 'down', log: [`warn: vCenter knows no VM named ${this.cfg.name}`] };
    const power = await this.power(vm.vm);
    const s = statusOfPower(this.cfg.name, power.word, { crashed: power.crashed });
    if (power.word !== 'POWERED_ON') return s;
    await this.rememberAddress(vm.vm);
    const mine = this.hostOfNode(this.nodename);
    if (mine !== undefined && !(await this.find(mine))) {
      return { status: 'down', log: [...s.log, `warn: ${this.cfg.name} runs on another host than ${mine}`] };
    }
    return s;
  }

  /** The ESX host the VM runs on when that is not this node's. */
  async runningElsewhere(): Promise<string | undefined> {
    const mine = this.hostOfNode(this.nodename);
    if (mine === undefined) return undefined;
    const vm = await this.find();
    return vm?.power_state === 'POWERED_ON' && !(await this.find(mine)) ? `another host than ${mine}` : undefined;
  }

  private async act(vm: VmSummary, path: string, what: string, tolerated: string): Promise<void> {
    const r = await this.api.call('POST', path);
    if (r.status === 204 || r.status === 200 || errorType(r) === tolerated) return;
    const e = this.api.error(`${what} of ${this.cfg.name}`, r);
    throw new CapsuleError(ErrorCode.ContainerActionFailed, e.message, { hint: r.status === 403 ? 'give the vCenter user the VirtualMachine.Interact.PowerOn/PowerOff privileges' : 'see the task in the vSphere client', details: { ...e.details, vm: vm.vm } });
  }

  async start(ctx: ContainerContext): Promise<void> {
    const vm = await this.find();
    if (!vm) throw containerMissing(this.rid, `vCenter knows no VM named ${this.cfg.name}`, `fix ${this.rid}.name, or check the VM in the vSphere client`);
    const state = (await this.power(vm.vm)).word;
    if (state !== 'POWERED_ON') {
      ctx.log.info(`power on ${this.cfg.name} (${vm.vm}, ${state})`);
      if (ctx.dryRun) return;
      // Already on by the time the request lands (another client) is not a failure.
      await this.act(vm, `/api/vcenter/vm/${vm.vm}/power?action=start`, 'power on', 'ALREADY_IN_DESIRED_STATE');
    } else if (ctx.dryRun) return;
    await this.rememberAddress(vm.vm);
    await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, hint: `check the guest's network and sshd (the VM console in the vSphere client), the node's known_hosts` });
  }

  async stop(ctx: ContainerContext): Promise<void> {
    const vm = await this.find();
    const state = vm ? (await this.power(vm.vm)).word : MISSING;
    if (!vm || state === 'POWERED_OFF' || state === MISSING) return;
    const powerOff = () => this.act(vm, `/api/vcenter/vm/${vm.vm}/power?action=stop`, 'power off', 'ALREADY_IN_DESIRED_STATE');
    if (state === 'SUSPENDED') {
      // A suspended guest runs nothing to ask; powering it off discards the memory image, so no later start resumes stale state.
      ctx.log.info(`power off ${this.cfg.name} (${vm.vm}, SUSPENDED)`);
      if (!ctx.dryRun) await powerOff();
      return;
    }
    ctx.log.info(`guest shutdown of ${this.cfg.name} (${this.cfg.stop_timeout}s before power off)`);
    if (ctx.dryRun) return;
    await stopWithTimeout(ctx, {
      name: this.cfg.name,
      timeoutS: this.cfg.stop_timeout,
      isDown: async () => [MISSING, 'POWERED_OFF'].includes((await this.power(vm.vm)).word),
      graceful: async () => {
        const r = await this.api.call('POST', `/api/vcenter/vm/${vm.vm}/guest/power?action=shutdown`);
        const outcome = guestShutdownOutcome(r.status, errorType(r));
        // Asked, or already off by the time the request landed (vCenter's ALREADY_IN_DESIRED_STATE): nothing to force.
        if (outcome !== 'refused') return;
        // No VMware Tools in the guest: it cannot be asked, and waiting would not help.
        ctx.log.warn(`guest shutdown of ${this.cfg.name} refused (${this.api.error('guest shutdown', r).message}): powering it off`);
        await powerOff();
      },
      force: powerOff,
      intervalMs: 500,
    });
  }

  /** The destination's ESX host: node.conf `[driver.esx] migrate_host` (`%n` is the node), by default the node's `host`, else its name. */
  private destinationHost(to: MigrationDestination): string {
    return this.hostOfNode(to.node, 'migrate_host') ?? this.hostOfNode(to.node) ?? to.node;
  }

  async precheckMigration(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    const vm = await this.find();
    if (!vm || (await this.power(vm.vm)).word !== 'POWERED_ON') {
      throw new CapsuleError(ErrorCode.MigrationUnsupported, `${this.rid}: ${this.cfg.name} is not powered on: nothing to migrate live`, { hint: 'use switch to move a stopped service' });
    }
    const dest = this.destinationHost(to);
    if (!(await this.hostId(dest))) {
      throw new CapsuleError(ErrorCode.MigrationUnsupported, `${this.rid}: vCenter knows no host named ${dest} for node ${to.node}`, { hint: 'set migrate_host (or host) in [driver.esx] of node.conf; %n is the node name', details: { rid: this.rid, node: to.node } });
    }
    if (await this.find(dest)) {
      throw new CapsuleError(ErrorCode.GuestRunningElsewhere, `${this.rid}: ${this.cfg.name} already runs on ${dest}`, { hint: 'nothing to migrate', details: { rid: this.rid, node: to.node } });
    }
    ctx.log.info(`${this.cfg.name} can move to ${dest}`);
  }

  async migrate(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    const dest = this.destinationHost(to);
    const vm = await this.find();
    if (!vm) throw containerMissing(this.rid, `vCenter knows no VM named ${this.cfg.name}`, `fix ${this.rid}.name`);
    const host = await this.hostId(dest);
    ctx.log.info(`vMotion of ${this.cfg.name} to ${dest} (${host})`);
    if (ctx.dryRun) return;
    const r = await this.api.call('POST', `/api/vcenter/vm/${vm.vm}?action=relocate`, { placement: { host } });
    if (r.status !== 204 && r.status !== 200) {
      const e = this.api.error(`vMotion of ${this.cfg.name} to ${dest}`, r);
      throw new CapsuleError(ErrorCode.ContainerActionFailed, e.message, { hint: "check the hosts' vMotion network and compatibility in the vSphere client", details: e.details });
    }
  }
}
