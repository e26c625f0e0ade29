// A Cloud Director VM as a capsule resource, driven through the vCloud API:
// powerOn, a guest shutdown then powerOff after stop_timeout, each a task
// followed to its end; status from the VM's numeric status. The guest is
// reached over ssh.
import { CapsuleError, ErrorCode, type ContainerContext, type ContainerResource, type GuestChannel, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { containerMissing, RememberedAddress, stopWithTimeout, tlsWarnings, waitForGuest } from '@capsule/driver-kit';
import { join } from 'node:path';
import { VcdSession } from './api.js';
import type { keywords } from './keywords.js';
import { POWERED_ON, statusOfVm, vmWord } from './status.js';

export type VcloudConfig = SectionConfig<typeof keywords>;

type Action = 'powerOn' | 'powerOff' | 'shutdown';

interface NetworkConnectionSection {
  _type?: string;
  primaryNetworkConnectionIndex?: number;
  networkConnection?: { network?: string; networkConnectionIndex?: number; ipAddress?: string; externalIpAddress?: string; isConnected?: boolean }[];
}

interface Vm {
  status: number;
  section?: NetworkConnectionSection[];
}

export class VcloudContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  private readonly vcd: VcdSession;
  private readonly insecure: string[];
  private readonly address: RememberedAddress;

  constructor(
    init: ResourceInit<VcloudConfig>,
    private readonly cfg = init.config,
  ) {
    this.rid = init.rid;
    this.guestName = cfg.hostname ?? cfg.name;
    this.vcd = new VcdSession(init.rid, init.settings, join(init.root, 'var/lib/capsule/driver.vcloud'));
    this.insecure = tlsWarnings(init.settings, 'vcloud');
    this.address = new RememberedAddress(join(init.root, 'var/lib/capsule', init.svcname, 'vcloud', `${cfg.name}.address`));
  }

  label(): string {
    return `${this.cfg.vapp}/${this.cfg.name}`;
  }

  /** The `address` keyword, else the address Cloud Director last reported (kept on disk), else the host name. */
  guestChannel(): GuestChannel {
    return { kind: 'ssh', host: this.cfg.address ?? this.address.get() ?? this.guestName, port: this.cfg.ssh_port, user: this.cfg.ssh_user };
  }

  /** The address of the connection on `network`, else of the primary connection. */
  private addressOf(vm: Vm): string | undefined {
    const section = vm.section?.find((s) => s._type === 'NetworkConnectionSectionType');
    const connections = (section?.networkConnection ?? []).filter((c) => c.isConnected !== false && c.ipAddress);
    const chosen = this.cfg.network ? connections.find((c) => c.network === this.cfg.network) : (connections.find((c) => c.networkConnectionIndex === section?.primaryNetworkConnectionIndex) ?? connections[0]);
    return chosen?.ipAddress;
  }

  /** The VM's path (/api/vApp/vm-ID) through the query service, or undefined. */
  private async find(): Promise<string | undefined> {
    // The vm query lists the VMs of vApp templates too: one of the same name must never be taken for the VM.
    const filter = `name==${this.cfg.name};containerName==${this.cfg.vapp};isVAppTemplate==false`;
    const path = `/api/query?type=vm&format=records&filter=${encodeURIComponent(filter)}`;
    const r = await this.vcd.call('GET', path);
    if (r.status !== 200) throw this.vcd.error(`query of VM ${this.cfg.name}`, r);
    const records = (r.json as { record?: { name: string; containerName: string; href: string; isVAppTemplate?: boolean }[] }).record ?? [];
    const hit = records.find((v) => v.name === this.cfg.name && v.containerName === this.cfg.vapp && v.isVAppTemplate !== true);
    return hit ? new URL(hit.href).pathname : undefined;
  }

  /** The VM's status code, its reported address remembered; undefined when it is gone. */
  private async statusCode(vm: string): Promise<number | undefined> {
    const r = await this.vcd.call('GET', vm);
    // Cloud Director answers 403 for an entity that is gone (it does not tell gone from forbidden).
    if (r.status === 403 || r.status === 404) return undefined;
    if (r.status !== 200) throw this.vcd.error(`GET ${vm}`, r);
    const body = r.json as Vm;
    if (!this.cfg.address) await this.address.set(this.addressOf(body));
    return body.status;
  }

  private missing(): CapsuleError {
    return containerMissing(this.rid, `Cloud Director knows no VM ${this.cfg.name} in vApp ${this.cfg.vapp}`, `fix ${this.rid}.name or ${this.rid}.vapp, or check the vApp in the tenant portal`);
  }

  /** The VM's state, and a warning on every look while TLS verification is off for the endpoint. */
  async status(): Promise<ResourceStatus> {
    const s = await this.state();
    return this.insecure.length ? { ...s, log: [...s.log, ...this.insecure] } : s;
  }

  private async state(): Promise<ResourceStatus> {
    const vm = await this.find();
    const code = vm ? await this.statusCode(vm) : undefined;
    if (code === undefined) return { status: 'down', log: [`warn: Cloud Director knows no VM ${this.cfg.name} in vApp ${this.cfg.vapp}`] };
    return statusOfVm(this.cfg.name, code);
  }

  /** Runs a power action to its task's end; failures in Cloud Director's words. */
  private async power(ctx: ContainerContext, vm: string, action: Action, timeoutS: number): Promise<{ ok: true } | { ok: false; message: string }> {
    const r = await this.vcd.call('POST', `${vm}/power/action/${action}`);
    if (r.status === 202) return this.vcd.task(ctx, r, timeoutS);
    return { ok: false, message: `${r.status}: ${this.vcd.words(r)}` };
  }

  private failed(action: Action, message: string): CapsuleError {
    return new CapsuleError(ErrorCode.ContainerActionFailed, `${this.rid}: ${action} of ${this.cfg.name} failed: ${message}`, {
      hint: /FORBIDDEN|403/.test(message) ? 'the Cloud Director user needs the vApp: Power Operations right' : 'see the VM’s tasks in the Cloud Director tenant portal',
      details: { rid: this.rid },
    });
  }

  async start(ctx: ContainerContext): Promise<void> {
    const vm = await this.find();
    const code = vm ? await this.statusCode(vm) : undefined;
    if (!vm || code === undefined) throw this.missing();
    if (code !== POWERED_ON) {
      ctx.log.info(`powerOn ${this.label()} (${vmWord(code)})`);
      if (ctx.dryRun) return;
      const done = await this.power(ctx, vm, 'powerOn', this.cfg.start_timeout);
      // Powered on meanwhile by someone else is not a failure.
      if (!done.ok && (await this.statusCode(vm)) !== POWERED_ON) throw this.failed('powerOn', done.message);
    } else if (ctx.dryRun) return;
    await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, hint: `check the guest's network and sshd (the VM console in the tenant portal), the node's known_hosts` });
  }

  async stop(ctx: ContainerContext): Promise<void> {
    const vm = await this.find();
    const code = vm ? await this.statusCode(vm) : undefined;
    if (!vm || code === undefined || code !== POWERED_ON) return;
    ctx.log.info(`shutdown ${this.label()} (${this.cfg.stop_timeout}s before powerOff)`);
    if (ctx.dryRun) return;
    const powerOff = async () => {
      const done = await this.power(ctx, vm, 'powerOff', this.cfg.stop_timeout);
      if (!done.ok && (await this.statusCode(vm)) === POWERED_ON) throw this.failed('powerOff', done.message);
    };
    await stopWithTimeout(ctx, {
      name: this.cfg.name,
      timeoutS: this.cfg.stop_timeout,
      isDown: async () => (await this.statusCode(vm)) !== POWERED_ON,
      graceful: async () => {
        const done = await this.power(ctx, vm, 'shutdown', this.cfg.stop_timeout);
        if (done.ok) return;
        // No VMware Tools: the guest cannot be asked, and waiting would not help.
        ctx.log.warn(`shutdown of ${this.cfg.name} refused (${done.message}): powering it off`);
        await powerOff();
      },
      force: powerOff,
      intervalMs: 500,
    });
  }
}
