// How long a node whose start of a service failed stays out of its
// placement: long enough not to flap on a cause that persists (an address
// still held elsewhere, a missing disk), short enough that a standby comes
// back by itself once the cause is gone. `svcmgr clear` ends it at once.

/** 10 s, doubling with each failure in a row, at most 5 min. */
export function startBackoffMs(failures: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, failures - 1), 300_000);
}
