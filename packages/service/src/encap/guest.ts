// One container of a service, seen as a guest running its own capsule agent:
// every call is `svcmgr -s SVC ...` through the guest channel the container
// declares (the core builds it; no driver runs its own exec-into-guest).
// Transport failures are named here, once: missing agent, unreachable
// guest, hang, flood.
import { sanitize } from '../sanitize.js';
import { CapsuleError, ErrorCode, errorFromJson, isCapsuleError, isContainerResource, type ContainerContext, type ContainerResource, type DriverCapabilities, type ExecResult, type Logger } from '@capsule/core';
import { contextFor, type Runtime } from '../context.js';
import type { Service, ServiceResource } from '../model.js';
import { cannotCarry, recentPushFailure } from './agent-push.js';

export const GUEST_STATUS_TIMEOUT_MS = 30_000;
export const GUEST_ACTION_TIMEOUT_MS = 600_000;
/** A guest's answer past this is refused: a status or config is a few KiB. */
export const GUEST_OUTPUT_CAP = 4 * 1024 * 1024;

export interface GuestCall {
  runtime: Runtime;
  log: Logger;
  signal?: AbortSignal;
}

export interface GuestRunOptions {
  timeoutMs: number;
  input?: string;
  onStderr?: (text: string) => void;
}

/** Stderr chunks to the `{"progress": LINE}` lines the guest's agent echoes; anything else (its final error) is left to the caller. */
export function progressLines(each: (line: string) => void): (text: string) => void {
  let partial = '';
  return (text) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      try {
        const p = (JSON.parse(l) as { progress?: unknown }).progress;
        if (typeof p === 'string') each(sanitize(p));
      } catch {
        // Not a progress line.
      }
    }
  };
}

export class Guest {
  readonly rid: string;
  readonly name: string;
  readonly container: ContainerResource;
  readonly capabilities: DriverCapabilities;

  constructor(
    readonly svc: Service,
    r: ServiceResource,
  ) {
    if (!r.resource || !isContainerResource(r.resource)) throw new Error(`${r.rid} is not a container resource`);
    this.rid = r.rid;
    this.container = r.resource;
    this.name = this.container.guestName;
    this.capabilities = r.capabilities ?? {};
  }

  get agentless(): boolean {
    return this.capabilities.agentless === true;
  }

  /** `push_agent = true`: a guest without svcmgr gets the hypervisor's guest agent (agent-push.ts). */
  get pushAgent(): boolean {
    return this.svc.resources.find((r) => r.rid === this.rid)?.config['push_agent'] === true;
  }

  /** This guest as this service sees it, for what is done once per guest and process. */
  get key(): string {
    return [this.svc.root, this.svc.svcname, this.rid, this.name].join(' ');
  }

  /** The container's context: host exec, guest channel, bound to the call's signal. */
  context(c: GuestCall): ContainerContext {
    return contextFor(this.container, c.runtime, c.log, c.signal ?? new AbortController().signal) as ContainerContext;
  }

  async isUp(c: GuestCall): Promise<boolean> {
    return (await this.container.status(this.context(c))).status === 'up';
  }

  /** Runs a command in the guest through its channel, failures of the channel named. */
  async run(c: GuestCall, argv: string[], o: GuestRunOptions): Promise<ExecResult> {
    let r: ExecResult;
    try {
      r = await this.context(c).guest(argv, { timeoutMs: o.timeoutMs, maxOutputBytes: GUEST_OUTPUT_CAP, ...(o.input !== undefined ? { input: o.input } : {}), ...(o.onStderr ? { onStderr: o.onStderr } : {}) });
    } catch (e) {
      throw this.named(e, argv, o.timeoutMs);
    }
    return r;
  }

  private named(e: unknown, argv: string[], timeoutMs: number): unknown {
    if (!isCapsuleError(e)) return e;
    const details = { rid: this.rid, guest: this.name };
    if (e.code === ErrorCode.ExecTimeout) {
      return new CapsuleError('GuestTimeout', `${this.rid}: \`${argv.join(' ')}\` in ${this.name} did not answer within ${timeoutMs / 1000}s`, { hint: `check the agent in ${this.name} (is it stuck on a lock?)`, details });
    }
    if (e.code === ErrorCode.OutputTooLarge) {
      return new CapsuleError('GuestOutputTooLarge', `${this.rid}: ${this.name} answered \`${argv.join(' ')}\` with more than ${GUEST_OUTPUT_CAP} bytes: refused`, { hint: `check the capsule agent in ${this.name}`, details });
    }
    if (e.code === ErrorCode.SshUnreachable || e.code === ErrorCode.SshDisconnected) {
      return new CapsuleError('GuestUnreachable', `${this.rid}: ${this.name} is unreachable: ${e.message}`, { hint: e.hint ?? `check the network and ssh access to ${this.name}`, details: { ...details, cause: e.code } });
    }
    if (e.code === ErrorCode.HostKeyUnknown || e.code === ErrorCode.HostKeyChanged || e.code === ErrorCode.SshAuthFailed || e.code === ErrorCode.SshKeyInvalid || e.code === ErrorCode.SshKeyUnsafe) {
      // Trust problems keep their code: the fix is the administrator's, not a retry.
      return new CapsuleError(e.code, `${this.rid}: ${this.name}: ${e.message}`, { ...(e.hint ? { hint: e.hint } : {}), details });
    }
    return e;
  }

  /**
   * Runs the guest's agent (`svcmgr -s SVC args`). A missing agent is exit
   * 127 through a shell (ssh, lxc-attach), CommandNotFound through a guest
   * agent that refuses to run what it cannot find (qga): the same error.
   * Nothing is pushed here: with `push_agent = true`, the actions push
   * (ensureAgent); a status that finds no agent says so and what will.
   */
  async agent(c: GuestCall, args: string[], o: GuestRunOptions & { progress?: (line: string) => void }): Promise<ExecResult> {
    // With `progress`, the guest's agent echoes its log lines on stderr as they happen (CAPSULE_PROGRESS, JSON
    // lines; an older agent ignores the variable): `env` sets it past a channel that clears the environment.
    const argv = o.progress ? ['env', 'CAPSULE_PROGRESS=1', 'svcmgr', '-s', this.svc.svcname, ...args] : ['svcmgr', '-s', this.svc.svcname, ...args];
    const r = await this.run(c, argv, { ...o, ...(o.progress ? { onStderr: progressLines(o.progress) } : {}) }).catch(async (e: unknown) => {
      throw isCapsuleError(e) && e.code === ErrorCode.CommandNotFound ? await this.missing(c) : e;
    });
    if (r.code === 127) throw await this.missing(c);
    return r;
  }

  private async missing(c: GuestCall): Promise<CapsuleError> {
    const details = { rid: this.rid, guest: this.name };
    const message = `${this.rid}: no capsule agent in ${this.name} (svcmgr not found)`;
    if (!this.pushAgent) {
      return new CapsuleError('GuestAgentMissing', message, { hint: `install capsule in ${this.name} so that svcmgr is on its PATH, or set push_agent = true in [${this.rid}] to have this hypervisor copy its guest agent in`, details });
    }
    const refused = cannotCarry(this);
    if (refused) return new CapsuleError('GuestAgentMissing', message, { hint: `${refused.message}; ${refused.hint ?? ''}`, details });
    const failed = await recentPushFailure(this, c);
    return new CapsuleError('GuestAgentMissing', message, {
      hint: `push_agent = true: the next start or stop of ${this.svc.svcname} pushes this hypervisor's guest agent into ${this.name}${failed ? ` (the last push failed: ${failed.message})` : ''}`,
      details,
    });
  }

  /**
   * Runs an agent command that must succeed, with `--format json` so that the
   * guest's error comes back with its code and hint rather than as an exit code.
   */
  async agentChecked(c: GuestCall, args: string[], o: GuestRunOptions & { progress?: (line: string) => void }): Promise<ExecResult> {
    const r = await this.agent(c, [...args, '--format', 'json'], o);
    if (r.code === 0) return r;
    const last = r.stderr.trim().split('\n').pop() ?? '';
    let body: unknown;
    try {
      body = JSON.parse(last);
    } catch {
      body = undefined;
    }
    const said = errorFromJson(body, 'GuestActionFailed', `${this.rid}: in ${this.name}: `);
    throw (
      (said && fromGuest(said)) ??
      new CapsuleError('GuestActionFailed', `${this.rid}: \`svcmgr ${args.join(' ')}\` failed in ${this.name} (exit ${r.code}): ${sanitize(last)}`, {
        hint: `see \`svcmgr -s ${this.svc.svcname} logs\` in ${this.name}`,
      })
    );
  }
}
export { sanitize };

/** A value a guest sent, its strings made printable at any depth. */
function printable(v: unknown): unknown {
  if (typeof v === 'string') return sanitize(v);
  if (Array.isArray(v)) return v.map(printable);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [sanitize(k), printable(x)]));
  return v;
}

/** An error a guest sent, its words made printable: message, hint and details (control characters escaped). */
export function fromGuest(e: CapsuleError): CapsuleError {
  return new CapsuleError(e.code, sanitize(e.message), { ...(e.hint !== undefined ? { hint: sanitize(e.hint) } : {}), details: printable(e.details) as Record<string, unknown> });
}

export function guestsOf(svc: Service): Guest[] {
  return svc.resources.filter((r) => r.group === 'container' && r.resource && isContainerResource(r.resource)).map((r) => new Guest(svc, r));
}
