// A Solaris or illumos zone as a capsule resource: attach and boot on
// start, shutdown (halt after stop_timeout) and detach on stop, as OpenSVC
// did, so a zone whose zonepath is on shared storage can fail over. Its
// configuration is exported for the peers; its guest is reached with zlogin.
import { CapsuleError, ErrorCode, type ActionContext, type ContainerContext, type ContainerResource, type ExecResult, type GuestChannel, type MigrationDestination, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { actionFailed, containerMissing, lastLine, stopWithTimeout, tool, waitFor, writeFileAtomic } from '@capsule/driver-kit';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { zloginChannel } from './channel.js';
import type { keywords } from './keywords.js';
import { NO_ZONE, parseZoneadmList, statusOfZone } from './state.js';

export type ZoneConfig = SectionConfig<typeof keywords>;

/** zoneadm's state word (see STATES in state.ts; a later Solaris may print others), or MISSING for a zone this host has no configuration of. */
type ZoneState = string;

const INSTALL = 'zones are part of Solaris and illumos (zoneadm, zonecfg and zlogin in /usr/sbin)';
/** The milestone after which a zone's services, a capsule agent among them, run. */
export const MILESTONE = 'svc:/milestone/multi-user-server:default';
// States in which no process of the zone runs: stop has nothing to shut down (unavailable: the zone cannot even boot).
const HALTED = new Set<ZoneState>(['installed', 'configured', 'incomplete', 'unavailable', 'MISSING']);

export class ZoneContainer implements ContainerResource {
  readonly rid: string;
  readonly guestName: string;
  /** `zonecfg export` of the zone, replicated to the peers with the service file. */
  readonly exportFile: string;
  /** `[driver.zone]` of node.conf. */
  private readonly settings: Readonly<Record<string, string>>;

  constructor(
    init: ResourceInit<ZoneConfig>,
    private readonly cfg = init.config,
  ) {
    this.rid = init.rid;
    this.guestName = cfg.hostname ?? cfg.name;
    this.exportFile = join(init.root, 'var/lib/capsule', init.svcname, 'zonecfg', `${cfg.name}.cfg`);
    this.settings = init.settings.values;
  }

  label(): string {
    return this.cfg.name;
  }

  private zoneadm(ctx: Pick<ActionContext, 'exec'>, args: string[]): Promise<ExecResult> {
    return tool(ctx, this.rid, ['zoneadm', '-z', this.cfg.name, ...args], { install: INSTALL });
  }

  private zonecfg(ctx: Pick<ActionContext, 'exec'>, args: string[]): Promise<ExecResult> {
    return tool(ctx, this.rid, ['zonecfg', '-z', this.cfg.name, ...args], { install: INSTALL });
  }

  /** `zoneadm -z NAME list -p`, parsed by state.ts. */
  private async listed(ctx: Pick<ActionContext, 'exec'>): Promise<{ state: ZoneState; brand?: string }> {
    const r = await this.zoneadm(ctx, ['list', '-p']);
    if (r.code !== 0) {
      if (NO_ZONE.test(r.stderr)) return { state: 'MISSING' };
      throw this.failed('zoneadm list', r);
    }
    const zone = parseZoneadmList(r.stdout, this.cfg.name);
    if (!zone) throw new CapsuleError(ErrorCode.ContainerActionFailed, `${this.rid}: unexpected zoneadm list output: ${r.stdout.trim()}`, { hint: 'check zoneadm list -cp' });
    return zone;
  }

  private async state(ctx: Pick<ActionContext, 'exec'>): Promise<ZoneState> {
    return (await this.listed(ctx)).state;
  }

  async status(ctx: ContainerContext): Promise<ResourceStatus> {
    const state = await this.state(ctx);
    // Deleted on stop is the normal stopped state of such a zone; otherwise the zone is simply not here.
    if (state === 'MISSING') return { status: 'down', log: this.cfg.delete_on_stop && existsSync(this.exportFile) ? [] : [`warn: no zone ${this.cfg.name} is configured on this node`] };
    return statusOfZone(this.cfg.name, state);
  }

  async start(ctx: ContainerContext): Promise<void> {
    let state = await this.state(ctx);
    if (state === 'MISSING') state = await this.configureFromExport(ctx);
    if (state === 'configured' || state === 'incomplete') {
      ctx.log.info(`zoneadm -z ${this.cfg.name} attach`);
      if (ctx.dryRun) return;
      const a = await this.zoneadm(ctx, ['attach']);
      // A zone detached from another host's packages attaches only forced, as OpenSVC did it.
      if (a.code !== 0 && (await this.zoneadm(ctx, ['attach', '-F'])).code !== 0) throw this.failed('zoneadm attach', a);
      state = await this.state(ctx);
    }
    if (state === 'installed' || state === 'ready') {
      ctx.log.info(`zoneadm -z ${this.cfg.name} boot`);
      if (ctx.dryRun) return;
      const b = await this.zoneadm(ctx, ['boot']);
      if (b.code !== 0 && (await this.state(ctx)) !== 'running') throw this.failed('zoneadm boot', b);
    } else if (state !== 'running') {
      throw new CapsuleError(ErrorCode.ContainerActionFailed, `${this.rid}: zone ${this.cfg.name} is ${state}: it cannot boot now`, {
        hint: `wait for it to settle, or halt it (zoneadm -z ${this.cfg.name} halt)`,
        details: { rid: this.rid, state },
      });
    }
    if (ctx.dryRun) return;
    await this.saveExport(ctx);
    await this.waitMultiUser(ctx);
  }

  /** A zone deleted on stop (here or on the peer it came from) is configured again from its exported configuration. */
  private async configureFromExport(ctx: ContainerContext): Promise<ZoneState> {
    if (!existsSync(this.exportFile)) {
      throw containerMissing(this.rid, `no zone ${this.cfg.name} is configured on this node, and no exported configuration is at ${this.exportFile}`, `configure it (zonecfg -z ${this.cfg.name}) or fix ${this.rid}.name`);
    }
    ctx.log.info(`zonecfg -z ${this.cfg.name} -f ${this.exportFile}`);
    if (ctx.dryRun) return 'configured';
    const r = await this.zonecfg(ctx, ['-f', this.exportFile]);
    if (r.code !== 0) throw this.failed('zonecfg -f', r);
    return this.state(ctx);
  }

  /** Booted is not enough for encap actions: the zone's services must be up, its agent with them. */
  private async waitMultiUser(ctx: ContainerContext): Promise<void> {
    let last = '';
    const online = await waitFor(ctx, this.cfg.start_timeout, async () => {
      const r = await ctx.guest(['svcs', '-H', '-o', 'state', MILESTONE], { timeoutMs: 10_000 }).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
      last = r.code === 0 ? r.stdout.trim() : lastLine(r.stderr) || `exit ${r.code}`;
      return r.code === 0 && last === 'online';
    });
    if (online) return;
    throw new CapsuleError(ErrorCode.ContainerNotOperational, `${this.rid}: zone ${this.cfg.name} runs but ${MILESTONE} is not online after ${this.cfg.start_timeout}s: ${last}`, {
      hint: `check the zone's services (zlogin ${this.cfg.name} svcs -xv), or raise ${this.rid}.start_timeout`,
      details: { rid: this.rid, guest: this.cfg.name },
    });
  }

  async stop(ctx: ContainerContext): Promise<void> {
    const state = await this.state(ctx);
    if (state === 'MISSING') return;
    if (!HALTED.has(state)) {
      ctx.log.info(`zoneadm -z ${this.cfg.name} shutdown (${this.cfg.stop_timeout}s before halt)`);
      if (ctx.dryRun) return;
      await this.saveExport(ctx);
      const halt = async () => {
        const h = await this.zoneadm(ctx, ['halt']);
        if (h.code !== 0 && !HALTED.has(await this.state(ctx))) throw this.failed('zoneadm halt', h);
      };
      // A ready zone, or one halted halfway (down), runs no process to ask or wait for: halting it is its stop.
      if (state === 'ready' || state === 'down') await halt();
      else
        await stopWithTimeout(ctx, {
          name: `zone ${this.cfg.name}`,
          timeoutS: this.cfg.stop_timeout,
          isDown: async () => HALTED.has(await this.state(ctx)),
          graceful: async () => {
            // A zone already shutting down has its init at work: wait for it.
            if (state !== 'running') return;
            const r = await this.zoneadm(ctx, ['shutdown']);
            if (r.code !== 0) ctx.log.warn(`zoneadm shutdown ${this.cfg.name}: ${lastLine(r.stderr)}`);
          },
          force: halt,
        });
    } else if (ctx.dryRun) return;
    await this.detach(ctx);
  }

  /** Detached, the zone can attach on the peer that takes the service over; deleted too when delete_on_stop. */
  private async detach(ctx: ContainerContext): Promise<void> {
    if ((await this.state(ctx)) === 'installed') {
      await this.saveExport(ctx);
      ctx.log.info(`zoneadm -z ${this.cfg.name} detach`);
      const d = await this.zoneadm(ctx, ['detach']);
      if (d.code !== 0 && (await this.zoneadm(ctx, ['detach', '-F'])).code !== 0) throw this.failed('zoneadm detach', d);
    }
    if (this.cfg.delete_on_stop && (await this.state(ctx)) === 'configured') {
      ctx.log.info(`zonecfg -z ${this.cfg.name} delete -F`);
      const r = await this.zonecfg(ctx, ['delete', '-F']);
      if (r.code !== 0) throw this.failed('zonecfg delete', r);
    }
  }

  /**
   * Where `zoneadm migrate` sends the zone: node.conf `[driver.zone]
   * migrate_uri`, `%n` the destination node (default `ssh://%n`; `rads://`
   * for RAD over TLS).
   */
  private migrateUri(to: MigrationDestination): string {
    return (this.settings['migrate_uri'] ?? 'ssh://%n').replace(/%n/g, to.node);
  }

  /** Only kernel zones move live; zoneadm's own dry run checks the destination (storage, configuration, CPU). */
  async precheckMigration(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    const here = await this.listed(ctx);
    if (here.state !== 'running') {
      throw new CapsuleError(ErrorCode.MigrationUnsupported, `${this.rid}: zone ${this.cfg.name} is not running here: nothing to migrate live`, { hint: 'use switch to move a stopped service' });
    }
    if (here.brand !== 'solaris-kz') {
      throw new CapsuleError(ErrorCode.MigrationUnsupported, `${this.rid}: zone ${this.cfg.name} is a ${here.brand} zone: only kernel zones (solaris-kz) migrate live`, { hint: 'use switch, which halts, detaches and attaches the zone on the peer' });
    }
    const there = await this.state(to);
    if (there !== 'MISSING' && !HALTED.has(there)) {
      throw new CapsuleError(ErrorCode.GuestRunningElsewhere, `${this.rid}: zone ${this.cfg.name} is ${there} on ${to.node}`, { hint: 'halt it there first', details: { rid: this.rid, node: to.node } });
    }
    const dry = await this.zoneadm(ctx, ['migrate', '-n', this.migrateUri(to)]);
    if (dry.code !== 0) throw this.failed(`zoneadm migrate -n to ${to.node}`, dry);
  }

  async migrate(ctx: ContainerContext, to: MigrationDestination): Promise<void> {
    const uri = this.migrateUri(to);
    ctx.log.info(`zoneadm -z ${this.cfg.name} migrate -t live ${uri}`);
    if (ctx.dryRun) return;
    await this.saveExport(ctx);
    const r = await this.zoneadm(ctx, ['migrate', '-t', 'live', uri]);
    if (r.code !== 0) throw this.failed(`zoneadm migrate to ${to.node}`, r);
  }

  guestChannel(): GuestChannel {
    return zloginChannel(this.cfg.name);
  }

  replicatedFiles(): string[] {
    return [this.exportFile];
  }

  /** `zonecfg -z NAME export`, written whole, so a peer never configures half a zone. */
  private async saveExport(ctx: ActionContext): Promise<void> {
    const r = await this.zonecfg(ctx, ['export']);
    if (r.code !== 0) return ctx.log.warn(`cannot export the configuration of zone ${this.cfg.name}: ${lastLine(r.stderr)}`);
    await writeFileAtomic(this.exportFile, r.stdout, 0o644);
  }

  private failed(what: string, r: ExecResult): CapsuleError {
    return actionFailed(this.rid, `${what} ${this.cfg.name}`, r, `see zoneadm -z ${this.cfg.name} list -v and /var/log/zones/${this.cfg.name}.messages`);
  }
}
