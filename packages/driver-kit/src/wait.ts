// Waiting: for a condition with the action's clock and signal, and for a
// guest to run commands (its init may take long after the hypervisor says
// it runs).
import { CapsuleError, ErrorCode, isCapsuleError, type ActionContext, type ContainerContext } from '@capsule/core';

/** Trust failures do not get better by waiting: the host key or the key must be fixed. */
const TRUST_ERRORS = new Set<string>([ErrorCode.HostKeyUnknown, ErrorCode.HostKeyChanged, ErrorCode.SshAuthFailed, ErrorCode.SshKeyInvalid, ErrorCode.SshKeyUnsafe]);

/** Polls `check` every `intervalMs` until it holds (true) or `timeoutS` passes (false). */
export async function waitFor(ctx: Pick<ActionContext, 'clock' | 'signal'>, timeoutS: number, check: () => Promise<boolean>, intervalMs = 250): Promise<boolean> {
  const deadline = ctx.clock.now() + timeoutS * 1000;
  for (;;) {
    if (await check()) return true;
    if (ctx.clock.now() >= deadline) return false;
    await ctx.clock.sleep(Math.min(intervalMs, Math.max(1, deadline - ctx.clock.now())), ctx.signal);
  }
}

export interface WaitForGuestOptions {
  rid: string;
  /** The guest as the user knows it: "vm1". */
  name: string;
  timeoutS: number;
  /** What to check when it never answers: "check the guest's sshd (virsh console vm1)". */
  hint: string;
}

/** Waits until a command runs in the guest through its channel; ContainerNotOperational after `timeoutS`. */
export async function waitForGuest(ctx: ContainerContext, o: WaitForGuestOptions): Promise<void> {
  let last = '';
  const answered = await waitFor(
    ctx,
    o.timeoutS,
    async () => {
      const left = Math.max(1000, Math.min(10_000, o.timeoutS * 1000));
      try {
        const r = await ctx.guest(['true'], { timeoutMs: left });
        last = r.stderr.trim() || `exit ${r.code}`;
        return r.code === 0;
      } catch (e) {
        if (isCapsuleError(e) && TRUST_ERRORS.has(e.code)) throw e;
        last = (e as Error).message;
        return false;
      }
    },
    500,
  );
  if (answered) return;
  throw new CapsuleError(ErrorCode.ContainerNotOperational, `${o.rid}: ${o.name} runs but does not answer after ${o.timeoutS}s: ${last}`, {
    hint: `${o.hint}, or raise ${o.rid}.start_timeout`,
    details: { rid: o.rid, guest: o.name },
  });
}
