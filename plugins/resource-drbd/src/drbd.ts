// A DRBD resource brought up and promoted on start, demoted and brought
// down on stop, with drbdadm as on any DRBD 9 node.
import { CapsuleError, ErrorCode, type ActionContext, type ExecResult, type Resource, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import { lastLine, tool } from '@capsule/driver-kit';
import type { keywords } from './keywords.js';
import { judge, parseDrbdStatus, type DrbdState } from './status.js';

export type DrbdConfig = SectionConfig<typeof keywords>;

const INSTALL = 'install drbd-utils';
/** drbdsetup's exit for a refused state change (drbdsetup.c): a peer's concurrent change is worth retrying, a second Primary is not. */
const STATE_CHANGE_FAILED = 11;
/** OpenSVC's state_changing_action waits this long for a peer's cluster-wide change to end. */
const RETRY_S = 10;

type Kernel = { up: false; why: string } | { up: true; state: DrbdState };

export class Drbd implements Resource {
  readonly rid: string;
  private readonly res: string;

  constructor(init: ResourceInit<DrbdConfig>) {
    this.rid = init.rid;
    this.res = init.config.res.trim();
    if (!/^[A-Za-z0-9_.+-]+$/.test(this.res)) {
      throw new CapsuleError(ErrorCode.ConfigInvalid, `${this.rid}: res = "${init.config.res}" is not a DRBD resource name`, {
        hint: 'set res to the name after `resource` in /etc/drbd.d/RES.res (letters, digits, . _ + -)',
        details: { rid: this.rid },
      });
    }
  }

  label(): string {
    return `drbd ${this.res}`;
  }

  /** This node's backing disks of the resource (drbdadm sh-ll-dev reads the config: up or not), a diskless volume's "none" left out. */
  async devices(ctx: ActionContext): Promise<string[]> {
    const r = await this.drbdadm(ctx, 'sh-ll-dev');
    if (r.code !== 0) throw this.failed('sh-ll-dev', r, notDefined(r) ? `define ${this.res} for this node in /etc/drbd.d/${this.res}.res` : 'see drbdadm sh-ll-dev');
    return r.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/'));
  }

  private drbdadm(ctx: ActionContext, ...args: string[]): Promise<ExecResult> {
    return tool(ctx, this.rid, ['drbdadm', ...args, this.res], { install: INSTALL });
  }

  private failed(what: string, r: ExecResult, hint: string): CapsuleError {
    return new CapsuleError(ErrorCode.DrbdCommandFailed, `${this.rid}: drbdadm ${what} ${this.res} failed with exit ${r.code}: ${firstLine(r.stderr || r.stdout) || 'no output'}`, {
      hint,
      details: { rid: this.rid, code: r.code },
    });
  }

  /** The resource as the kernel has it: down (and why) or its state. */
  private async kernel(ctx: ActionContext): Promise<Kernel> {
    const r = await this.drbdadm(ctx, 'status');
    // drbdsetup status: "RES: No such resource", exit 10, when the resource is not up in the kernel.
    if (r.code === 10 && /No such resource/.test(r.stderr)) return { up: false, why: `${this.res} is down (not up in the kernel)` };
    if (r.code !== 0) throw this.failed('status', r, notDefined(r) ? `define ${this.res} for this node in /etc/drbd.d/${this.res}.res` : 'see drbdadm status and dmesg');
    const state = parseDrbdStatus(r.stdout, this.res);
    if (!state) throw this.failed('status', { ...r, code: r.code, stderr: `no "${this.res} role:" line in its output` }, 'see drbdadm status');
    return { up: true, state };
  }

  async status(ctx: ActionContext): Promise<ResourceStatus> {
    const r = await this.drbdadm(ctx, 'status');
    if (r.code === 10 && /No such resource/.test(r.stderr)) return { status: 'down', log: [`info: ${this.res} is down (not up in the kernel)`] };
    if (r.code !== 0) return { status: notDefined(r) ? 'down' : 'warn', log: [`warn: drbdadm status ${this.res}: ${firstLine(r.stderr) || `exit ${r.code}`}`] };
    const state = parseDrbdStatus(r.stdout, this.res);
    if (!state) return { status: 'warn', log: [`warn: drbdadm status printed no "${this.res} role:" line`] };
    return judge(state);
  }

  async start(ctx: ActionContext): Promise<void> {
    let k = await this.kernel(ctx);
    if (!k.up) {
      ctx.log.info(`drbdadm up ${this.res}`);
      await this.stateChange(ctx, 'up', `check /etc/drbd.d/${this.res}.res and its backing disk (drbdadm dump ${this.res})`);
      k = await this.kernel(ctx);
      if (!k.up) throw this.failed('up', { code: 0, stdout: '', stderr: k.why }, 'see dmesg');
    }
    if (k.state.role === 'Primary') return;
    const primary = k.state.peers.find((p) => p.role === 'Primary');
    ctx.log.info(`drbdadm primary ${this.res}`);
    await this.stateChange(ctx, 'primary', 'see dmesg and drbdadm status on every node', primary?.name);
  }

  async stop(ctx: ActionContext): Promise<void> {
    const k = await this.kernel(ctx);
    if (!k.up) return;
    if (k.state.role === 'Primary') {
      ctx.log.info(`drbdadm secondary ${this.res}`);
      await this.stateChange(ctx, 'secondary', `stop what holds /dev/drbd* of ${this.res} open (a mount, a VG), then stop again`);
    }
    ctx.log.info(`drbdadm down ${this.res}`);
    await this.stateChange(ctx, 'down', `stop what holds /dev/drbd* of ${this.res} open, then stop again`);
  }

  /**
   * A state change, retried while a peer's concurrent change refuses it
   * (exit 11), as OpenSVC does; a second Primary is refused for good.
   */
  private async stateChange(ctx: ActionContext, what: string, hint: string, peerPrimary?: string): Promise<void> {
    const deadline = ctx.clock.now() + RETRY_S * 1000;
    for (;;) {
      const r = await this.drbdadm(ctx, what);
      if (r.code === 0) return;
      if (/Multiple primaries not allowed/.test(r.stderr)) {
        throw new CapsuleError(ErrorCode.DrbdPeerPrimary, `${this.rid}: ${this.res} is Primary on ${peerPrimary ?? 'a peer'}; DRBD refuses a second Primary (drbdadm primary: exit ${r.code}, Multiple primaries not allowed by config)`, {
          hint: `stop the service on ${peerPrimary ?? 'the node where it is Primary'} first (or switch it here)`,
          details: { rid: this.rid, code: r.code, peer: peerPrimary },
        });
      }
      if (/Device is held open/.test(r.stderr) || r.code !== STATE_CHANGE_FAILED || ctx.clock.now() >= deadline) {
        throw this.failed(what, r, r.code === 17 ? `no UpToDate copy of ${this.res} is reachable: bring up the peer with the good data, or promote with drbdadm primary --force ${this.res} by hand if this copy is the one to keep` : hint);
      }
      ctx.log.info(`drbdadm ${what} ${this.res}: ${lastLine(r.stderr)}; retrying`);
      await ctx.clock.sleep(1000, ctx.signal);
    }
  }
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
}

function notDefined(r: ExecResult): boolean {
  return /not defined in your config|is not mentioned with an 'on' keyword/.test(r.stderr);
}
