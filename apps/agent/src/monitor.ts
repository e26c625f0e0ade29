// Resource monitoring: a resource with `monitor = true` found down while
// the rest of its service still runs here is restarted here `restart`
// times; after that the daemon gives the service up on this node (marked
// start-failed, stopped) so that the orchestrator places it on the next
// node. A stopped service is not monitored, and a frozen one is left alone:
// freeze it to stop a monitored resource by hand.

export interface Monitored {
  rid: string;
  monitor: boolean;
  restart: number;
  /** `restart_delay`: the least seconds between two restarts of this resource. */
  restartDelay?: number;
}

export type MonitorVerdict = { action: 'none' } | { action: 'restart'; rids: string[] } | { action: 'give up'; rid: string; restarts: number };

/**
 * Pure: what to do for one service on this node. `held`: the service runs
 * here (some resource up, service not frozen, no action under way);
 * `tries`: restarts already spent per rid since the service last started;
 * `lastRestart`: when each rid was last restarted (ms on `now`'s clock): a
 * resource within its restart_delay of it waits.
 */
export function monitorVerdict(
  resources: readonly Monitored[],
  status: Readonly<Record<string, { status: string }>>,
  held: boolean,
  tries: ReadonlyMap<string, number>,
  lastRestart: ReadonlyMap<string, number> = new Map(),
  now = 0,
): MonitorVerdict {
  if (!held) return { action: 'none' };
  const down = resources.filter((r) => r.monitor && status[r.rid]?.status === 'down');
  const spent = down.find((r) => (tries.get(r.rid) ?? 0) >= r.restart);
  if (spent) return { action: 'give up', rid: spent.rid, restarts: spent.restart };
  const due = down.filter((r) => {
    const last = lastRestart.get(r.rid);
    return last === undefined || now - last >= (r.restartDelay ?? 0) * 1000;
  });
  return due.length ? { action: 'restart', rids: due.map((r) => r.rid) } : { action: 'none' };
}
