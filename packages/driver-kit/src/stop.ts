// A stop that always ends: ask the guest to shut down, wait, then force it
// off with a warning; the shape every hypervisor's stop takes.
import type { ActionContext } from '@capsule/core';
import { waitFor } from './wait.js';

export interface StopOptions {
  name: string;
  timeoutS: number;
  isDown(): Promise<boolean>;
  /** Asks the guest to shut down (ACPI, `xl shutdown`, guest power off). */
  graceful(): Promise<void>;
  /** Powers it off; must leave it down or throw. */
  force(): Promise<void>;
  intervalMs?: number;
}

/** Returns 'clean' or 'forced'. */
export async function stopWithTimeout(ctx: Pick<ActionContext, 'clock' | 'signal' | 'log'>, o: StopOptions): Promise<'clean' | 'forced'> {
  await o.graceful();
  if (await waitFor(ctx, o.timeoutS, o.isDown, o.intervalMs)) return 'clean';
  ctx.log.warn(`${o.name} did not shut down within ${o.timeoutS}s: forcing it off`);
  await o.force();
  return 'forced';
}
