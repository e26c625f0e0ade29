// SIGINT and SIGTERM while svcmgr acts. Without handlers Node dies at once
// and the commands the action started (each in a process group of its own,
// so the terminal's Ctrl-C never reaches them) ran on, orphaned, with the
// `migrating` marker of a switch left behind. The first signal cancels the
// action: its commands are killed, its marker removed, what it left up
// logged, and svcmgr exits 128+signal. A second one exits at once.
import { CapsuleError, ErrorCode, isCapsuleError } from '@capsule/core/errors';
import { constants } from 'node:os';

export const INTERRUPTING: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export interface Interrupt {
  /** Aborted at the first signal, with an ActionInterrupted reason naming it. */
  signal: AbortSignal;
  /** Gives the signals back their default action. */
  dispose(): void;
}

/** `process` and `exit` are the real ones but for tests. */
export function interruptOn(proc: NodeJS.EventEmitter = process, exit: (code: number) => void = (c) => process.exit(c)): Interrupt {
  const ac = new AbortController();
  const handlers = INTERRUPTING.map((sig) => {
    const h = () => {
      if (ac.signal.aborted) return exit(signalExitCode(sig));
      ac.abort(new CapsuleError(ErrorCode.ActionInterrupted, `interrupted by ${sig}`, { hint: 'a second signal exits at once', details: { signal: sig } }));
    };
    proc.on(sig, h);
    return [sig, h] as const;
  });
  return {
    signal: ac.signal,
    dispose: () => {
      for (const [sig, h] of handlers) proc.off(sig, h);
    },
  };
}

/** 128 + the signal's number, as a shell reports a command the signal ended. */
export function signalExitCode(sig: string): number {
  return 128 + (constants.signals[sig as NodeJS.Signals] ?? 0);
}

/** The exit code of a failed command: 128+signal for an action a signal interrupted, 1 for any other error. */
export function exitCodeOf(e: unknown): number {
  const sig = isCapsuleError(e) && e.code === ErrorCode.ActionInterrupted ? e.details['signal'] : undefined;
  return typeof sig === 'string' && sig in constants.signals ? signalExitCode(sig) : 1;
}
