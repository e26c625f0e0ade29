// Folds resource statuses into group, avail and overall status, by the
// merge rules of @capsule/core (folded left, in start order).
import { compareRid } from '@capsule/core/rid';
import { aggregateStatus, mergeStatus, type Status } from '@capsule/core/status';
import { ACCESSORY_GROUPS, START_ORDER } from './groups.js';
import type { EncapStatus, ResourceStatusEntry } from './status-schema.js';

export interface Aggregate {
  groups: Record<string, Status>;
  avail: Status;
  overall: Status;
}

export function sortResources<T extends { rid: string; group: string }>(list: readonly T[]): T[] {
  const rank = (g: string) => {
    const i = [...START_ORDER, ...ACCESSORY_GROUPS].indexOf(g as never);
    return i < 0 ? 99 : i;
  };
  return [...list].sort((a, b) => rank(a.group) - rank(b.group) || compareRid(a.rid, b.rid));
}

export function aggregate(resources: Record<string, ResourceStatusEntry>, encap: Record<string, EncapStatus> = {}): Aggregate {
  const byGroup = new Map<string, Status[]>();
  for (const r of sortResources(Object.values(resources))) {
    byGroup.set(r.group, [...(byGroup.get(r.group) ?? []), r.status]);
  }
  const groups: Record<string, Status> = {};
  for (const [g, list] of byGroup) groups[g] = aggregateStatus(list);
  // A group with no resource has nothing to say; hb is always shown.
  groups['hb'] ??= 'n/a';
  let avail = aggregateStatus(START_ORDER.filter((g) => groups[g] !== undefined).map((g) => groups[g]!));
  let overall = avail;
  for (const e of Object.values(encap)) {
    // A standby container of a farmed-failover service: its encapsulated service runs in another one, which is no fault here.
    if (e.elsewhere) continue;
    avail = mergeStatus(avail, e.avail);
    overall = mergeStatus(overall, e.overall);
  }
  overall = mergeStatus(overall, aggregateStatus(ACCESSORY_GROUPS.filter((g) => groups[g] !== undefined).map((g) => groups[g]!)));
  if (avail === 'undef') avail = 'n/a';
  if (overall === 'undef') overall = 'n/a';
  return { groups, avail, overall };
}
