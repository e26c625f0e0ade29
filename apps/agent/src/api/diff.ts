// Events from what changed between two readings of the cluster as this
// node sees it: instances whose state changed or vanished, nodes lost and
// back. Pure: the agent calls it each round with its membership.
import type { EventInput } from '@capsule/api';
import type { InstanceView, NodeView } from '@capsule/cluster';

export interface Seen {
  alive: readonly string[];
  views: Readonly<Record<string, NodeView>>;
}

const fields = (i: InstanceView) => ({ avail: i.avail, overall: i.overall, frozen: i.frozen, startFailed: i.startFailed, ...(i.target ? { target: i.target } : {}), generation: i.generation });
const same = (a: InstanceView, b: InstanceView) => JSON.stringify(fields(a)) === JSON.stringify(fields(b));

export function seenEvents(before: Seen | undefined, after: Seen, reasons: Readonly<Record<string, string | undefined>> = {}): EventInput[] {
  const out: EventInput[] = [];
  if (before) {
    for (const n of before.alive) if (!after.alive.includes(n)) out.push({ kind: 'node', node: n, state: 'lost', ...(reasons[n] ? { reason: reasons[n] } : {}) });
    for (const n of after.alive) if (!before.alive.includes(n)) out.push({ kind: 'node', node: n, state: 'back' });
  }
  for (const n of after.alive) {
    const was = before?.views[n]?.services ?? {};
    const now = after.views[n]?.services ?? {};
    for (const [svc, i] of Object.entries(now)) if (!was[svc] || !same(was[svc], i)) out.push({ kind: 'status', service: svc, node: n, ...fields(i) });
    for (const svc of Object.keys(was)) if (!now[svc]) out.push({ kind: 'status-gone', service: svc, node: n });
  }
  // A node lost: what it held is no longer known.
  for (const n of before?.alive ?? []) if (!after.alive.includes(n)) for (const svc of Object.keys(before!.views[n]?.services ?? {})) out.push({ kind: 'status-gone', service: svc, node: n });
  return out;
}
