// An action cancelled through its signal (svcmgr got SIGINT or SIGTERM): its
// commands were killed with their process groups and nothing was rolled
// back, since whoever interrupted asked for everything to stop now. What is
// still up here is read with a short status check and named, in the service
// log and in the error, so that they know what to finish or to take down.
import { CapsuleError, ErrorCode, isCapsuleError } from '@capsule/core';
import type { ActionOptions } from './actions.js';
import type { Service } from './model.js';
import { resourceStatus } from './status.js';

/** Each resource's check after an interruption; short, since someone waits at a terminal. */
export const LEFT_UP_TIMEOUT_MS = 5_000;

const UP = new Set(['up', 'warn', 'stdby up']);

/** Whether the action's signal was aborted: the action was interrupted, whatever error it ended with. */
export function wasInterrupted(o: ActionOptions): boolean {
  return o.signal?.aborted === true;
}

/** Thrown between steps once the action is cancelled, so that nothing more is started or stopped. */
export function throwIfInterrupted(o: ActionOptions): void {
  if (!wasInterrupted(o)) return;
  const reason: unknown = o.signal!.reason;
  throw isCapsuleError(reason) ? reason : new CapsuleError(ErrorCode.ExecAborted, 'the action was cancelled', { hint: 'the action was interrupted' });
}

/** The signal named by the canceller (`details.signal` of its ActionInterrupted reason), if any. */
function signalOf(o: ActionOptions): string | undefined {
  const reason: unknown = o.signal?.reason;
  const sig = isCapsuleError(reason) ? reason.details['signal'] : undefined;
  return typeof sig === 'string' ? sig : undefined;
}

/** Logs what the interrupted action left up here and returns the ActionInterrupted error saying so. */
export async function interruption(svc: Service, action: string, o: ActionOptions, cause: unknown): Promise<CapsuleError> {
  const log = o.log.for(svc.svcname);
  const here = svc.resources.filter((r) => r.resource && !(svc.level === 'hypervisor' && r.encap));
  // Each check has a deadline and a signal of its own: the action's is aborted and would kill it at once.
  const entries = await Promise.all(here.map((r) => resourceStatus(r, o, o.log.for(r.rid), LEFT_UP_TIMEOUT_MS)));
  const leftUp = entries.filter((e) => UP.has(e.status)).map((e) => e.rid);
  const sig = signalOf(o);
  const what = `${action} interrupted${sig ? ` by ${sig}` : ''}`;
  const left = leftUp.length ? `left up here: ${leftUp.join(', ')}` : 'nothing left up here';
  log.warn(`${what}: ${left}`);
  const again = `svcmgr -s ${svc.svcname} ${action}${o.to ? ` --to ${o.to}` : ''}`;
  return new CapsuleError(ErrorCode.ActionInterrupted, `${svc.svcname}: ${what}; ${left}`, {
    hint: `run \`${again}\` again to finish it${leftUp.length && action !== 'stop' ? `, or \`svcmgr -s ${svc.svcname} stop\` to take down what is left up` : ''}`,
    cause,
    details: { action, leftUp, ...(sig ? { signal: sig } : {}) },
  });
}
