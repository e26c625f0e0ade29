// An OpenStack server as a capsule resource, driven through Nova: os-start,
// os-stop (Nova's clean shutdown, which Nova itself turns into a power off
// after its shutdown_timeout), status from the server's status and
// task_state; the guest is reached over ssh at the address Nova reports.
import { CapsuleError, ErrorCode, type ActionContext, type Clock, type ContainerContext, type ContainerResource, type GuestChannel, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { containerMissing, RememberedAddress, stopWithTimeout, tlsWarnings, waitFor, waitForGuest } from '@capsule/driver-kit';
import { join } from 'node:path';
import { ComputeSession } from './compute.js';
import type { keywords } from './keywords.js';
import { serverWord, statusOfServer } from './status.js';

export type OpenstackConfig = SectionConfig<typeof keywords>;

interface Address {
  addr: string;
  version?: number;
  'OS-EXT-IPS:type'?: 'fixed' | 'floating';
}

interface Server {
  id: string;
  name: string;
  /** ACTIVE, SHUTOFF, BUILD, ERROR, PAUSED, SHELVED_OFFLOADED... */
  status: string;
  'OS-EXT-STS:task_state'?: string | null;
  addresses?: Record<string, Address[]>;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

export class OpenstackContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  private readonly nova: ComputeSession;
  private readonly insecure: string[];
  private readonly address: RememberedAddress;
  private readonly novaShutdownS: number;

  constructor(
    init: ResourceInit<OpenstackConfig>,
    private readonly cfg = init.config,
  ) {
    this.rid = init.rid;
    this.guestName = cfg.hostname ?? cfg.name;
    this.nova = new ComputeSession(init.rid, init.settings, join(init.root, 'var/lib/capsule/driver.openstack'));
    this.insecure = tlsWarnings(init.settings, 'openstack');
    this.address = new RememberedAddress(join(init.root, 'var/lib/capsule', init.svcname, 'openstack', `${cfg.name}.address`));
    const s = Number(init.settings.values['shutdown_timeout'] ?? 60);
    this.novaShutdownS = Number.isFinite(s) && s > 0 ? s : 60;
  }

  label(): string {
    return this.cfg.name;
  }

  /** The `address` keyword, else the address Nova last reported (kept on disk), else the host name. */
  guestChannel(): GuestChannel {
    return { kind: 'ssh', host: this.cfg.address ?? this.address.get() ?? this.guestName, port: this.cfg.ssh_port, user: this.cfg.ssh_user };
  }

  /** The server's address: on `network` when set, floating before fixed, IPv4 before IPv6. */
  private addressOf(s: Server): string | undefined {
    const nets = Object.entries(s.addresses ?? {}).filter(([net]) => !this.cfg.network || net === this.cfg.network);
    const all = nets.flatMap(([, a]) => a);
    const rank = (a: Address) => (a['OS-EXT-IPS:type'] === 'floating' ? 0 : 2) + (a.version === 6 ? 1 : 0);
    return all.sort((a, b) => rank(a) - rank(b))[0]?.addr;
  }

  private async remember(s: Server): Promise<void> {
    if (!this.cfg.address) await this.address.set(this.addressOf(s));
  }

  /** The server named exactly `name` (Nova's filter is a regular expression), or undefined. `clock` says when the token is too old. */
  private async find(clock: Clock): Promise<Server | undefined> {
    const path = `servers?name=${encodeURIComponent(`^${escapeRegExp(this.cfg.name)}$`)}`;
    const r = await this.nova.call(clock, 'GET', path);
    if (r.status !== 200) throw this.nova.error(`GET ${path}`, r);
    const hits = ((r.json as { servers?: { id: string; name: string }[] }).servers ?? []).filter((s) => s.name === this.cfg.name);
    if (hits.length > 1) {
      throw new CapsuleError(ErrorCode.EndpointError, `${this.rid}: ${hits.length} servers are named ${this.cfg.name} (${hits.map((h) => h.id).join(', ')})`, { hint: 'Nova names are not unique: rename all but one (openstack server set --name)' });
    }
    return hits[0] ? this.show(clock, hits[0].id) : undefined;
  }

  private async show(clock: Clock, id: string): Promise<Server | undefined> {
    const r = await this.nova.call(clock, 'GET', `servers/${id}`);
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw this.nova.error(`GET servers/${id}`, r);
    return (r.json as { server: Server }).server;
  }

  /** The VM's state, and a warning on every look while TLS verification is off for the endpoint. */
  async status(ctx: ActionContext): Promise<ResourceStatus> {
    const s = await this.state(ctx);
    return this.insecure.length ? { ...s, log: [...s.log, ...this.insecure] } : s;
  }

  private async state(ctx: ActionContext): Promise<ResourceStatus> {
    const s = await this.find(ctx.clock);
    if (!s) return { status: 'down', log: [`warn: Nova knows no server named ${this.cfg.name}`] };
    await this.remember(s);
    return statusOfServer(this.cfg.name, s);
  }

  /** os-start or os-stop; a 409 because the same change is already under way is not a failure. */
  private async action(clock: Clock, s: Server, verb: 'os-start' | 'os-stop', already: (now: Server) => boolean): Promise<void> {
    const r = await this.nova.call(clock, 'POST', `servers/${s.id}/action`, { [verb]: null });
    if (r.status === 202) return;
    const now = r.status === 409 ? await this.show(clock, s.id) : undefined;
    if (now && already(now)) return;
    throw new CapsuleError(ErrorCode.ContainerActionFailed, `${this.rid}: ${verb} of ${this.cfg.name} answered ${r.status}: ${this.nova.words(r)}`, {
      hint: r.status === 403 ? 'the OpenStack user needs the right to start and stop servers (policy os_compute_api:servers:start/stop)' : 'see openstack server event list',
      details: { rid: this.rid, status: r.status, server: s.id },
    });
  }

  async start(ctx: ContainerContext): Promise<void> {
    const s = await this.find(ctx.clock);
    if (!s) throw containerMissing(this.rid, `Nova knows no server named ${this.cfg.name}`, `fix ${this.rid}.name, or check openstack server list`);
    if (s.status !== 'ACTIVE') {
      if (s.status !== 'SHUTOFF') {
        throw new CapsuleError(ErrorCode.ContainerActionFailed, `${this.rid}: ${this.cfg.name} is ${serverWord(s)}: capsule starts SHUTOFF servers`, { hint: `bring it to SHUTOFF or ACTIVE first (openstack server show ${s.id})` });
      }
      ctx.log.info(`os-start ${this.cfg.name} (${s.id})`);
      if (ctx.dryRun) return;
      await this.action(ctx.clock, s, 'os-start', (now) => now.status === 'ACTIVE' || now['OS-EXT-STS:task_state'] === 'powering-on');
      const active = await waitFor(ctx, this.cfg.start_timeout, async () => (await this.show(ctx.clock, s.id))?.status === 'ACTIVE', 500);
      if (!active) {
        throw new CapsuleError(ErrorCode.ContainerNotOperational, `${this.rid}: ${this.cfg.name} is not ACTIVE ${this.cfg.start_timeout}s after os-start`, { hint: `see openstack server event list ${s.id}, or raise ${this.rid}.start_timeout` });
      }
    } else if (ctx.dryRun) return;
    await this.remember(s);
    await waitForGuest(ctx, { rid: this.rid, name: this.cfg.name, timeoutS: this.cfg.start_timeout, hint: `check the guest's sshd and security groups (openstack console log show ${s.id}), the node's known_hosts` });
  }

  async stop(ctx: ContainerContext): Promise<void> {
    const s = await this.find(ctx.clock);
    if (!s || s.status === 'SHUTOFF') return;
    ctx.log.info(`os-stop ${this.cfg.name} (${s.id}, ${this.cfg.stop_timeout}s)`);
    if (ctx.dryRun) return;
    const isDown = async () => (await this.show(ctx.clock, s.id))?.status === 'SHUTOFF';
    await stopWithTimeout(ctx, {
      name: this.cfg.name,
      timeoutS: this.cfg.stop_timeout,
      isDown,
      graceful: () => this.action(ctx.clock, s, 'os-stop', (now) => now.status === 'SHUTOFF' || now['OS-EXT-STS:task_state'] === 'powering-off'),
      // Nova has no harder stop: its compute service powers the guest off itself after its shutdown_timeout.
      force: async () => {
        ctx.log.info(`waiting up to ${this.novaShutdownS}s for Nova to power ${this.cfg.name} off ([driver.openstack] shutdown_timeout)`);
        if (await waitFor(ctx, this.novaShutdownS, isDown, 500)) return;
        throw new CapsuleError(ErrorCode.ContainerActionFailed, `${this.rid}: ${this.cfg.name} is still not SHUTOFF ${this.cfg.stop_timeout + this.novaShutdownS}s after os-stop`, {
          hint: `see openstack server event list ${s.id}; raise [driver.openstack] shutdown_timeout to Nova's own shutdown_timeout`,
        });
      },
      intervalMs: 500,
    });
  }
}
