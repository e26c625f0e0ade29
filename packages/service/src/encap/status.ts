// The encapsulated status of every container, gathered in parallel: a down
// container is not asked (its encap resources are down, app and sync n/a);
// an up one answers `json status`, validated against the schema.
import { isCapsuleError, renderFlags, type ActionContext, type Status } from '@capsule/core';
import type { Service } from '../model.js';
import { ServiceStatus, type EncapStatus, type ResourceStatusEntry } from '../status-schema.js';
import { GUEST_STATUS_TIMEOUT_MS, guestsOf, type Guest } from './guest.js';

/** The encap resources as the hypervisor knows them from the file, all with one status. */
function recorded(svc: Service, status: (group: string) => Status): Record<string, ResourceStatusEntry> {
  return Object.fromEntries(
    svc.resources
      .filter((r) => r.encap)
      .map((r) => [r.rid, { rid: r.rid, group: r.group, status: status(r.group), label: '', flags: renderFlags(r), log: [], standby: r.standby, tags: r.tags, ...(r.subset ? { subset: r.subset } : {}) }]),
  );
}

const downOrNa = (group: string): Status => (group === 'app' || group === 'sync' ? 'n/a' : 'down');

async function guestStatus(g: Guest, ctx: ActionContext, refresh: boolean, timeoutMs: number): Promise<EncapStatus> {
  const svc = g.svc;
  if (!(await g.isUp(ctx))) {
    return { guest: g.name, overall: 'down', avail: 'down', resources: recorded(svc, downOrNa), error: 'container is down: encapsulated status not asked' };
  }
  try {
    const r = await g.agent(ctx, ['json', 'status', ...(refresh ? ['--refresh'] : [])], { timeoutMs });
    if (r.code !== 0) throw new Error(r.stderr.trim().split('\n').pop() || `json status exited ${r.code}`);
    const s = ServiceStatus.parse(JSON.parse(r.stdout));
    return { guest: g.name, overall: s.overall, avail: s.avail, resources: s.resources };
  } catch (e) {
    const why = isCapsuleError(e) ? e.message : `${g.rid}: unreadable status from ${g.name}: ${(e as Error).message}`;
    return { guest: g.name, overall: 'undef', avail: 'undef', resources: recorded(svc, () => 'undef'), error: why };
  }
}

export async function encapStatuses(svc: Service, ctx: ActionContext, refresh: boolean, timeoutMs = GUEST_STATUS_TIMEOUT_MS): Promise<Record<string, EncapStatus>> {
  if (svc.level !== 'hypervisor' || !svc.resources.some((r) => r.encap)) return {};
  const guests = guestsOf(svc);
  const statuses = await Promise.all(guests.map((g) => guestStatus(g, ctx, refresh, timeoutMs)));
  return Object.fromEntries(guests.map((g, i) => [g.rid, statuses[i]!]));
}
