// The end of a run: with every fault healed, the cluster must settle (every
// agent ready and in quorum) and the config copies converge before the
// edits are counted, or a slow replication would pass for a lost edit.
import type { TestCluster } from '@capsule/testenv';
import { serviceFiles } from './edits.js';
import { sleep } from './time.js';

/** Polls `check` every second until it gives true or `timeoutMs` passes; whether it did. */
async function poll(check: () => Promise<boolean>, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= end) return false;
    await sleep(1000, signal);
  }
}

/** Every agent answering `nodemgr daemon status` ready and with quorum; the nodes that were not, when the wait ends without it. */
export async function settled(c: TestCluster, timeoutMs: number, signal: AbortSignal): Promise<string[]> {
  let lagging: string[] = [];
  await poll(
    async () => {
      lagging = [];
      for (const n of c.nodes.keys()) {
        const s = await c.daemonStatus(n);
        if (!s?.ready || !s.quorum.quorum) lagging.push(n);
      }
      return lagging.length === 0;
    },
    timeoutMs,
    signal,
  );
  return lagging;
}

/** Every node's copy of the service file the same; whether they converged within `timeoutMs`. */
export function converged(c: TestCluster, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  return poll(async () => new Set(Object.values(await serviceFiles(c))).size === 1, timeoutMs, signal);
}
