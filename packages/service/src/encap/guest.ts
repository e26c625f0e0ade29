// One container of a service, seen as a guest running its own capsule agent:
// every call is `svcmgr -s SVC ...` through the container driver's exec.
import { CapsuleError, isCapsuleError, isContainerResource, type ActionContext, type ContainerResource, type ExecResult } from '@capsule/core';
import type { Service, ServiceResource } from '../model.js';

export const GUEST_STATUS_TIMEOUT_MS = 30_000;
export const GUEST_ACTION_TIMEOUT_MS = 600_000;

export class Guest {
  readonly rid: string;
  readonly name: string;
  readonly container: ContainerResource;

  constructor(
    readonly svc: Service,
    r: ServiceResource,
  ) {
    if (!r.resource || !isContainerResource(r.resource)) throw new Error(`${r.rid} is not a container resource`);
    this.rid = r.rid;
    this.container = r.resource;
    this.name = this.container.guestName;
  }

  async isUp(ctx: ActionContext): Promise<boolean> {
    return (await this.container.status(ctx)).status === 'up';
  }

  /** Runs the guest's agent; a missing agent, an unreachable guest and a hang are named errors. */
  async agent(ctx: ActionContext, args: string[], o: { timeoutMs: number; input?: string }): Promise<ExecResult> {
    const argv = ['svcmgr', '-s', this.svc.svcname, ...args];
    let r: ExecResult;
    try {
      r = await this.container.exec(ctx, argv, { timeoutMs: o.timeoutMs, ...(o.input !== undefined ? { input: o.input } : {}) });
    } catch (e) {
      if (isCapsuleError(e) && e.code === 'ExecTimeout') {
        throw new CapsuleError('GuestTimeout', `${this.rid}: \`${argv.join(' ')}\` in ${this.name} did not answer within ${o.timeoutMs / 1000}s`, {
          hint: `check the agent in ${this.name} (is it stuck on a lock?)`,
          details: { rid: this.rid, guest: this.name },
        });
      }
      throw e;
    }
    if (r.code === 127) {
      throw new CapsuleError('GuestAgentMissing', `${this.rid}: no capsule agent in ${this.name} (svcmgr not found, exit 127)`, {
        hint: `install capsule in ${this.name} so that svcmgr is on its PATH`,
        details: { rid: this.rid, guest: this.name },
      });
    }
    if (r.code === 255 && this.container.capabilities.exec === 'ssh') {
      throw new CapsuleError('GuestUnreachable', `${this.rid}: ${this.name} is unreachable (ssh exit 255): ${r.stderr.trim()}`, {
        hint: `check the network and ssh access to ${this.name}`,
        details: { rid: this.rid, guest: this.name },
      });
    }
    return r;
  }
}

export function guestsOf(svc: Service): Guest[] {
  return svc.resources.filter((r) => r.group === 'container' && r.resource && isContainerResource(r.resource)).map((r) => new Guest(svc, r));
}
