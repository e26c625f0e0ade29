// What a command opened through its resources (API sessions, connections)
// closed once the command is done: a vCenter counts sessions per user, and
// the agent daemon loads every service again each status round.
import type { Service } from './model.js';

export const DISPOSE_TIMEOUT_MS = 5_000;

/**
 * Calls every resource's `dispose()` at once, each bounded by `timeoutMs`.
 * A resource that fails to close is said in the returned warnings, never
 * an error: the command's work is done by then.
 */
export async function disposeService(svc: Pick<Service, 'resources'>, timeoutMs = DISPOSE_TIMEOUT_MS): Promise<string[]> {
  const warnings = await Promise.all(
    svc.resources.map(async (r) => {
      const res = r.resource;
      if (!res?.dispose) return undefined;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`${r.rid}: not closed within ${timeoutMs / 1000} s`), timeoutMs)));
      try {
        // Through a promise: a dispose that throws at once, or returns no promise, is a warning too.
        const closed = Promise.resolve().then(() => res.dispose!());
        return await Promise.race([closed.then(() => undefined, (e: unknown) => `${r.rid}: close failed: ${e instanceof Error ? e.message : String(e)}`), late]);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return warnings.filter((w): w is string => w !== undefined);
}
