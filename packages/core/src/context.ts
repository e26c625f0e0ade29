// What packages read of the world besides files and commands: time and the
// CAPSULE_* environment. Supplied by the caller (CLI, daemon, simulator,
// tests) so that nothing deep in a package reads Date.now or process.env.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason once aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export interface Runtime {
  clock: Clock;
  env: Environment;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A clock shifted by `offsetMs`: another node's view of time, for skew tests and the simulator. */
export function skewedClock(base: Clock, offsetMs: number): Clock {
  return { now: () => base.now() + offsetMs, sleep: base.sleep };
}

/** Seconds from an environment variable, or undefined when unset or not a positive number. */
export function envSeconds(env: Environment, name: string): number | undefined {
  const s = Number(env[name]);
  return Number.isFinite(s) && s > 0 ? s : undefined;
}
