// SCSI-3 persistent reservations on shared disks, as OpenSVC's
// disk.scsireserv with sg_persist: start registers this node's key on every
// disk and takes a type-5 reservation (write exclusive, registrants only),
// preempting another node's; stop clears the reservation it holds (or
// unregisters); status reads the reservation holder of every disk.
import { CapsuleError, ErrorCode, type ActionContext, type ExecResult, type Resource, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { tool } from '@capsule/driver-kit';
import { join } from 'node:path';
import type { keywords } from './keywords.js';
import { nodePrkey } from './prkey.js';
import { hexKey, parseKeys, parseReservation } from './prout.js';

export type ScsiReservConfig = SectionConfig<typeof keywords>;

const INSTALL = 'install sg3-utils';
/** Write Exclusive, registrants only: OpenSVC's prtype. */
const PRTYPE = '5';
const UNIT_ATTENTION = 6;
const RESERVATION_CONFLICT = 24;
/** OpenSVC's ACK_UNIT_ATTENTION_RETRY_MAX: a unit attention is reported once per event, several may be queued. */
const UA_RETRIES = 10;

export class ScsiReserv implements Resource {
  readonly rid: string;
  private readonly devs: string[];
  private readonly configured: string | undefined;
  private readonly keyFile: string;
  private readonly preemptOpt: string;
  private key: bigint | undefined;

  constructor(init: ResourceInit<ScsiReservConfig>) {
    this.rid = init.rid;
    this.devs = init.config.devs;
    if (this.devs.length === 0 || this.devs.some((d) => !d.startsWith('/'))) {
      throw new CapsuleError(ErrorCode.ConfigInvalid, `${this.rid}: devs = "${this.devs.join(' ')}": expected one or more disk paths`, { hint: 'list the shared disks, as devs = /dev/mapper/mpatha /dev/mapper/mpathb', details: { rid: this.rid } });
    }
    this.configured = init.config.prkey ?? init.settings.values['prkey'];
    this.keyFile = join(init.root, 'var/lib/capsule/prkey');
    this.preemptOpt = init.config.no_preempt_abort ? '--preempt' : '--preempt-abort';
  }

  label(): string {
    return this.devs.join(' ');
  }

  private async prkey(): Promise<bigint> {
    this.key ??= await nodePrkey(this.rid, this.configured, this.keyFile);
    return this.key;
  }

  /** sg_persist, repeated while it reports a unit attention (each report clears one, as OpenSVC's ack_unit_attention). */
  private async sg(ctx: ActionContext, args: string[]): Promise<ExecResult> {
    for (let i = 0; ; i++) {
      const r = await tool(ctx, this.rid, ['sg_persist', '-n', ...args], { install: INSTALL });
      if (r.code !== UNIT_ATTENTION || i >= UA_RETRIES) return r;
    }
  }

  private failed(dev: string, what: string, r: ExecResult, hint: string): CapsuleError {
    const conflict = r.code === RESERVATION_CONFLICT;
    return new CapsuleError(ErrorCode.ScsiPrCommandFailed, `${this.rid}: ${dev}: ${what} failed with exit ${r.code}: ${r.stderr.trim().split('\n')[0] || 'no output'}`, {
      hint: conflict ? `another node holds ${dev} or removed this node's registration: see sg_persist -n -i -k -r ${dev}` : hint,
      details: { rid: this.rid, dev, code: r.code },
    });
  }

  private async read(ctx: ActionContext, dev: string): Promise<{ keys: bigint[]; holder: bigint | undefined }> {
    const k = await this.sg(ctx, ['-i', '-k', dev]);
    if (k.code !== 0) throw this.failed(dev, 'reading the registered keys', k, `is ${dev} a SCSI disk that supports persistent reservations (sg_persist -c ${dev})?`);
    const r = await this.sg(ctx, ['-i', '-r', dev]);
    if (r.code !== 0) throw this.failed(dev, 'reading the reservation', r, `see sg_persist -n -i -r ${dev}`);
    return { keys: parseKeys(k.stdout), holder: parseReservation(r.stdout)?.key };
  }

  private async out(ctx: ActionContext, dev: string, args: string[], what: string): Promise<void> {
    ctx.log.info(`sg_persist -n --out ${args.join(' ')} ${dev}`);
    const r = await this.sg(ctx, ['--out', ...args, dev]);
    if (r.code !== 0) throw this.failed(dev, what, r, `see sg_persist -n -i -k -r ${dev} and dmesg`);
  }

  async status(ctx: ActionContext): Promise<ResourceStatus> {
    const key = await this.prkey();
    const why: string[] = [];
    let held = 0;
    for (const dev of this.devs) {
      const s = await this.read(ctx, dev);
      if (s.holder === key) held++;
      else if (s.holder === undefined) why.push(`${dev} is not reserved${s.keys.includes(key) ? '' : ' and this node is not registered'}`);
      else why.push(`${dev} is reserved by ${hexKey(s.holder)}, not by this node (${hexKey(key)})`);
    }
    if (held === this.devs.length) return { status: 'up', log: [] };
    // Some disks held, others not: OpenSVC's up + down.
    if (held > 0) return { status: 'warn', log: why.map((w) => `warn: ${w}`) };
    return { status: 'down', log: [`info: ${why.join('; ')}`] };
  }

  async start(ctx: ActionContext): Promise<void> {
    const key = hexKey(await this.prkey());
    for (const dev of this.devs) {
      const s = await this.read(ctx, dev);
      if (s.holder === (await this.prkey())) continue;
      await this.out(ctx, dev, ['--register-ignore', `--param-sark=${key}`], `registering key ${key}`);
      if (s.holder === undefined) await this.out(ctx, dev, ['--reserve', `--param-rk=${key}`, `--prout-type=${PRTYPE}`], 'reserving');
      else {
        ctx.log.info(`${dev} is reserved by ${hexKey(s.holder)}: preempting`);
        await this.out(ctx, dev, [this.preemptOpt, `--param-sark=${hexKey(s.holder)}`, `--param-rk=${key}`, `--prout-type=${PRTYPE}`], `preempting ${hexKey(s.holder)}`);
      }
      const after = await this.read(ctx, dev);
      if (after.holder !== (await this.prkey())) {
        throw new CapsuleError(ErrorCode.ScsiReservationConflict, `${this.rid}: ${dev}: the reservation is ${after.holder === undefined ? 'not held' : `held by ${hexKey(after.holder)}`} after taking it with ${key}`, { hint: `another node may be taking it at the same time: see sg_persist -n -i -k -r ${dev}`, details: { rid: this.rid, dev } });
      }
    }
  }

  async stop(ctx: ActionContext): Promise<void> {
    const k = await this.prkey();
    const key = hexKey(k);
    for (const dev of this.devs) {
      const s = await this.read(ctx, dev);
      // OpenSVC's sg driver clears what it holds (the reservation and every registration), else unregisters its key.
      if (s.holder === k) await this.out(ctx, dev, ['--clear', `--param-rk=${key}`], 'clearing the reservation');
      else if (s.keys.includes(k)) await this.out(ctx, dev, ['--register-ignore', `--param-rk=${key}`], `unregistering key ${key}`);
    }
  }
}
