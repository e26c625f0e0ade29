// disk.md: a Linux md array assembled by uuid (mdadm --assemble) under the
// name OpenSVC gives it, /dev/md/SVC.RID, and stopped with mdadm --stop.
// Status from mdadm --detail --scan (assembled?) and --detail (its State).
// A shared array (on disks other nodes see) must not be auto-assembled at
// their boot: its uuid is set `<ignore>` in mdadm.conf, as OpenSVC does.
import type { ActionContext, Resource, ResourceInit, ResourceStatus } from '@capsule/core';
import { tool } from '@capsule/driver-kit';
import { existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { commandFailed, missingKeyword } from './errors.js';
import type { DiskConfig } from './index.js';

const INSTALL = 'install mdadm';

/** mdadm's uuid form: 4 groups of 8 lowercase hex digits joined by ':'. */
export function mdUuid(text: string): string {
  return text.replace(/[^0-9a-fA-F]/g, '').toLowerCase().replace(/(.{8})(?!$)/g, '$1:');
}

/** The device of an array in `mdadm --detail --scan` output (`ARRAY /dev/md/x metadata=1.2 name=h:x UUID=...`). */
export function scanDevice(out: string, uuid: string): string | undefined {
  const line = out.split('\n').find((l) => l.split(/\s+/).includes(`UUID=${uuid}`));
  return line?.trim().split(/\s+/)[1];
}

/** The `State :` line of `mdadm --detail`. */
export function detailState(out: string): string | undefined {
  return /^\s*State : (.*)$/m.exec(out)?.[1]?.trim();
}

/** The member devices in the device table of `mdadm --detail` (a `removed` slot names none). */
export function detailMembers(out: string): string[] {
  const table = out.split(/^\s*Number\s+Major\s+Minor\s+RaidDevice\s+State\s*$/m)[1] ?? '';
  return table.split('\n').flatMap((l) => {
    const last = l.trim().split(/\s+/).pop() ?? '';
    return last.startsWith('/dev/') ? [last] : [];
  });
}

/** The members of array `uuid` in `mdadm --examine --scan --verbose`: the `devices=a,b` line under its ARRAY line. */
export function examineMembers(out: string, uuid: string): string[] {
  const lines = out.split('\n');
  const at = lines.findIndex((l) => l.startsWith('ARRAY') && l.split(/\s+/).includes(`UUID=${uuid}`));
  const devices = at < 0 ? undefined : /^\s+devices=(.*)$/.exec(lines[at + 1] ?? '')?.[1];
  return devices ? devices.split(',').filter(Boolean) : [];
}

export class DiskMd implements Resource {
  readonly rid: string;
  private readonly uuid: string | undefined;
  private readonly devname: string;
  private readonly shared: boolean;
  private readonly mdadmConf: string;
  private readonly configuredDevs: string[];

  constructor(init: ResourceInit<DiskConfig>) {
    this.rid = init.rid;
    this.configuredDevs = init.config.devs ?? [];
    this.uuid = init.config.uuid ? mdUuid(init.config.uuid) : undefined;
    this.devname = `/dev/md/${init.svcname}.${init.rid.replace('#', '.')}`;
    this.shared = init.config.shared ?? init.service.nodes.length + init.service.drpnodes.length > 1;
    const etc = posix.join(init.root, 'etc');
    this.mdadmConf = existsSync(posix.join(etc, 'mdadm')) ? posix.join(etc, 'mdadm/mdadm.conf') : posix.join(etc, 'mdadm.conf');
  }

  label(): string {
    return this.uuid ? `md ${this.uuid}` : 'md';
  }

  private async assembled(ctx: ActionContext, uuid: string): Promise<string | undefined> {
    const argv = ['mdadm', '--detail', '--scan'];
    const r = await tool(ctx, this.rid, argv, { install: INSTALL });
    if (r.code !== 0) throw commandFailed(this.rid, argv, r, 'see mdadm(8)');
    return scanDevice(r.stdout, uuid);
  }

  /**
   * Its member disks: from the running array (mdadm --detail), else from the
   * superblocks (mdadm --examine --scan --verbose), else, with no uuid yet,
   * the devs keyword (OpenSVC's sub_devs).
   */
  async devices(ctx: ActionContext): Promise<string[]> {
    if (!this.uuid) return [...this.configuredDevs];
    const dev = await this.assembled(ctx, this.uuid);
    const argv = dev ? ['mdadm', '--detail', dev] : ['mdadm', '--examine', '--scan', '--verbose'];
    const r = await tool(ctx, this.rid, argv, { install: INSTALL });
    if (r.code !== 0) throw commandFailed(this.rid, argv, r, 'see mdadm(8)');
    return dev ? detailMembers(r.stdout) : examineMembers(r.stdout, this.uuid);
  }

  /** Whether mdadm.conf keeps this array from being assembled at boot (AUTO -all, or ARRAY <ignore> UUID=). */
  private async autoAssembleDisabled(uuid: string): Promise<boolean> {
    const text = await readFile(this.mdadmConf, 'utf8').catch(() => '');
    return text.split('\n').some((l) => {
      const w = l.trim().split(/\s+/);
      return (w[0] === 'AUTO' && w.includes('-all')) || (w[0] === 'ARRAY' && w[1] === '<ignore>' && w.includes(`UUID=${uuid}`));
    });
  }

  async status(ctx: ActionContext): Promise<ResourceStatus> {
    if (!this.uuid) return { status: 'n/a', log: ['uuid is not set: the array is not provisioned'] };
    const log = this.shared && !(await this.autoAssembleDisabled(this.uuid)) ? [`warn: auto-assemble is not disabled in ${this.mdadmConf}`] : [];
    const dev = await this.assembled(ctx, this.uuid);
    if (!dev) return { status: 'down', log: [...log, `md ${this.uuid} is not assembled on this node`] };
    const r = await tool(ctx, this.rid, ['mdadm', '--detail', dev], { install: INSTALL });
    const state = r.code === 0 ? detailState(r.stdout) : undefined;
    if (!state || /Not Started|inactive/.test(state)) return { status: 'down', log: [...log, `${dev} is not running: ${state ?? (r.stderr.trim() || 'no State in mdadm --detail')}`] };
    if (state.includes(',')) log.push(`warn: ${dev}: ${state}`);
    return { status: log.length ? 'warn' : 'up', log };
  }

  async start(ctx: ActionContext): Promise<void> {
    if (!this.uuid) throw missingKeyword(this.rid, 'md', 'uuid', 'a1b2c3d4:e5f60718:293a4b5c:6d7e8f90');
    if (this.shared) await this.disableAutoAssemble(ctx, this.uuid);
    const dev = await this.assembled(ctx, this.uuid);
    if (dev) {
      ctx.log.info(`${this.rid}: md ${this.uuid} is already assembled as ${dev}`);
      return;
    }
    const argv = ['mdadm', '--assemble', this.devname, `--uuid=${this.uuid}`];
    const r = await tool(ctx, this.rid, argv, { install: INSTALL });
    // Exit 2: nothing changed (mdadm(8) "EXIT STATUS"), as OpenSVC reads it.
    if (r.code !== 0 && r.code !== 2) throw commandFailed(this.rid, argv, r, 'are the member disks visible here (mdadm --examine --scan)? is the array assembled elsewhere?');
    ctx.log.info(`${this.rid}: ${(r.stderr || r.stdout).trim().replace(/^mdadm: /, '') || `${this.devname} assembled`}`);
  }

  async stop(ctx: ActionContext): Promise<void> {
    if (!this.uuid) return;
    const dev = await this.assembled(ctx, this.uuid);
    if (!dev) return;
    const argv = ['mdadm', '--stop', dev];
    const r = await tool(ctx, this.rid, argv, { install: INSTALL });
    if (r.code !== 0) throw commandFailed(this.rid, argv, r, `stop what uses ${dev} (a filesystem, a volume group: lsblk ${dev}), then stop again`);
    ctx.log.info(`${this.rid}: ${dev} stopped`);
  }

  private async disableAutoAssemble(ctx: ActionContext, uuid: string): Promise<void> {
    if (await this.autoAssembleDisabled(uuid)) return;
    await appendFile(this.mdadmConf, `ARRAY <ignore> UUID=${uuid}\n`);
    ctx.log.info(`${this.rid}: auto-assemble of ${uuid} disabled in ${this.mdadmConf}`);
  }
}
