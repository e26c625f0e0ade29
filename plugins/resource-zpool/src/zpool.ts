// A ZFS pool imported on start and exported on stop, with zpool as
// OpenSVC's disk.zpool does it: a forced import into capsule's own
// cachefile (so that the pool is not imported again at boot), multihost set
// after import when the keyword says so.
import { CapsuleError, ErrorCode, type ActionContext, type ExecResult, type Resource, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { tool } from '@capsule/driver-kit';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { statusOfHealth } from './health.js';
import type { keywords } from './keywords.js';
import { vdevPaths } from './vdevs.js';

export type ZpoolConfig = SectionConfig<typeof keywords>;

const INSTALL = 'install zfsutils-linux';

export class Zpool implements Resource {
  readonly rid: string;
  private readonly name: string;
  private readonly multihost: boolean | undefined;
  private readonly cachefile: string;
  private readonly vdevsFile: string;

  constructor(init: ResourceInit<ZpoolConfig>) {
    this.rid = init.rid;
    this.vdevsFile = join(init.root, 'var/lib/capsule', init.svcname, `${init.rid}.vdevs`);
    this.name = init.config.name.trim();
    this.multihost = init.config.multihost;
    this.cachefile = join(init.root, 'var/lib/capsule/zpool.cache');
    // zpool(8) names: a letter first, then letters, digits, _ - . : and space; no dataset path.
    if (!/^[A-Za-z][A-Za-z0-9_.:-]*$/.test(this.name)) {
      throw new CapsuleError(ErrorCode.ConfigInvalid, `${this.rid}: name = "${init.config.name}" is not a pool name`, {
        hint: 'set name to the pool name as zpool list shows it (a letter, then letters, digits, _ - . :), not a dataset',
        details: { rid: this.rid },
      });
    }
  }

  label(): string {
    return `zpool ${this.name}`;
  }

  private zpool(ctx: ActionContext, ...args: string[]): Promise<ExecResult> {
    return tool(ctx, this.rid, ['zpool', ...args], { install: INSTALL });
  }

  private failed(what: string, r: ExecResult, hint: string): CapsuleError {
    return new CapsuleError(what.startsWith('import') ? ErrorCode.ZpoolImportFailed : what.startsWith('export') ? ErrorCode.ZpoolExportFailed : ErrorCode.ActionFailed, `${this.rid}: zpool ${what} failed with exit ${r.code}: ${r.stderr.trim().split('\n')[0] || 'no output'}`, {
      hint,
      details: { rid: this.rid, code: r.code },
    });
  }

  /**
   * Its leaf vdevs: from `zpool status -L -P` while imported here (kept in
   * a file), else those kept when it last was (OpenSVC's sub_devs cache): an
   * exported pool's vdevs are not listed by zpool without a scan of every disk.
   */
  async devices(ctx: ActionContext): Promise<string[]> {
    const r = await this.zpool(ctx, 'status', '-L', '-P', this.name);
    const kept = await readFile(this.vdevsFile, 'utf8').catch(() => '');
    if (r.code !== 0 && /no such pool/.test(r.stderr)) return kept.split('\n').filter((l) => l.startsWith('/'));
    if (r.code !== 0) throw this.failed(`status -L -P ${this.name}`, r, 'is the zfs module loaded (modprobe zfs)?');
    const devs = vdevPaths(r.stdout);
    const text = devs.map((d) => `${d}\n`).join('');
    // Written when changed only: the status of the reservation asks at every round.
    if (text !== kept) {
      await mkdir(dirname(this.vdevsFile), { recursive: true });
      await writeFile(this.vdevsFile, text);
    }
    return devs;
  }

  /** The pool's health when imported here; undefined when not. */
  private async health(ctx: ActionContext): Promise<string | undefined> {
    const r = await this.zpool(ctx, 'list', '-H', '-o', 'name,health', this.name);
    if (r.code !== 0 && /no such pool/.test(r.stderr)) return undefined;
    if (r.code !== 0) throw this.failed(`list ${this.name}`, r, 'is the zfs module loaded (modprobe zfs)?');
    return r.stdout.split('\t')[1]?.trim() ?? '';
  }

  async status(ctx: ActionContext): Promise<ResourceStatus> {
    const h = await this.health(ctx);
    if (h === undefined) return { status: 'down', log: [`info: pool ${this.name} is not imported on this node`] };
    return statusOfHealth(this.name, h);
  }

  async start(ctx: ActionContext): Promise<void> {
    if ((await this.health(ctx)) === undefined) {
      ctx.log.info(`zpool import -f -o cachefile=${this.cachefile} ${this.name}`);
      const r = await this.zpool(ctx, 'import', '-f', '-o', `cachefile=${this.cachefile}`, this.name);
      if (r.code !== 0) throw this.failed(`import ${this.name}`, r, importHint(this.name, r.stderr));
    }
    await this.setMultihost(ctx);
  }

  async stop(ctx: ActionContext): Promise<void> {
    if ((await this.health(ctx)) === undefined) return;
    ctx.log.info(`zpool export ${this.name}`);
    const r = await this.zpool(ctx, 'export', this.name);
    if (r.code === 0) return;
    // OpenSVC forces the export when the plain one fails (a busy pool's datasets are unmounted by force).
    ctx.log.warn(`zpool export ${this.name}: ${r.stderr.trim()}; forcing`);
    const f = await this.zpool(ctx, 'export', '-f', this.name);
    if (f.code !== 0) throw this.failed(`export -f ${this.name}`, f, `stop what uses the datasets of ${this.name} (fuser -vm on their mount points), then stop again`);
  }

  /** multihost=on protects the pool from a second import; left alone when the keyword is unset. */
  private async setMultihost(ctx: ActionContext): Promise<void> {
    if (this.multihost === undefined) return;
    const want = this.multihost ? 'on' : 'off';
    const r = await this.zpool(ctx, 'get', '-H', '-o', 'value', 'multihost', this.name);
    const current = r.code === 0 ? r.stdout.trim() : '';
    // Empty: a ZFS before 0.7, without the property.
    if (current === '' || current === want) return;
    ctx.log.info(`zpool set multihost=${want} ${this.name}`);
    const s = await this.zpool(ctx, 'set', `multihost=${want}`, this.name);
    if (s.code !== 0) throw this.failed(`set multihost=${want} ${this.name}`, s, want === 'on' ? 'give every node a unique /etc/hostid (zgenhostid), then start again' : 'see zpool get multihost');
  }
}

function importHint(name: string, stderr: string): string {
  if (/pool is imported on/.test(stderr)) return `${name} is in use on another node (multihost): stop the service there first`;
  if (/no such pool available/.test(stderr)) return `are the disks of ${name} visible on this node (zpool import lists importable pools)?`;
  return `see zpool import and zpool status ${name}`;
}
