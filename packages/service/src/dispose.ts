// What a command's resources hold open in the process (connections,
// sockets, timers) closed once the command is done: the agent daemon loads
// every service again each status round, and must not pile them up.
import { withDeadline } from './context.js';
import type { Service } from './model.js';

export const DISPOSE_TIMEOUT_MS = 5_000;

/**
 * Calls every resource's `dispose()` at once, each bounded by `timeoutMs`.
 * A resource that fails to close is said in the returned warnings, never
 * an error: the command's work is done by then.
 */
export async function disposeService(svc: Pick<Service, 'resources'>, timeoutMs = DISPOSE_TIMEOUT_MS): Promise<string[]> {
  const warnings = await Promise.all(
    svc.resources.map((r) => {
      const res = r.resource;
      if (!res?.dispose) return undefined;
      return withDeadline(
        timeoutMs,
        // Through a promise: a dispose that throws at once, or returns no promise, is a warning too.
        () => Promise.resolve().then(() => res.dispose!()).then(() => undefined, (e: unknown) => `${r.rid}: close failed: ${e instanceof Error ? e.message : String(e)}`),
        () => `${r.rid}: not closed within ${timeoutMs / 1000} s`,
      );
    }),
  );
  return warnings.filter((w): w is string => w !== undefined);
}
