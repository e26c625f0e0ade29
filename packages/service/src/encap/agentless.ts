// The encapsulated level of a guest that runs no capsule agent (HP-UX SRP
// and HPVM guests, LDOM guests: Node runs on none of them). The
// hypervisor's agent runs the encap resources itself, their commands sent
// through the guest channel, and folds their status as it folds an agent's
// `json status`.
import { guestExec } from '@capsule/transport';
import { startResources, stopResources, SUB_ACTIONS, type ActionOptions } from '../actions.js';
import { aggregate } from '../aggregate.js';
import type { ServiceResource } from '../model.js';
import { select } from '../order.js';
import type { EncapStatus, ResourceStatusEntry } from '../status-schema.js';
import { resourceStatus } from '../status.js';
import type { Guest, GuestCall } from './guest.js';

function encapResources(g: Guest): ServiceResource[] {
  return g.svc.resources.filter((r) => r.encap && r.resource);
}

/** Options whose exec runs in the guest: every command of an encap resource goes through the channel. */
function inGuest(g: Guest, o: ActionOptions): ActionOptions {
  return { ...o, exec: guestExec(g.container.guestChannel(), o.exec, o.ssh) };
}

export async function agentlessAction(g: Guest, action: string, o: ActionOptions): Promise<void> {
  const sub = SUB_ACTIONS[action];
  const list = select(encapResources(g), { ...o.selection, ...(sub ? { groups: sub.groups } : {}) });
  const verb = sub?.verb ?? (action === 'start' || action === 'startstandby' ? 'start' : 'stop');
  o.log.for(g.rid).info(`${g.name} (agentless): ${action} ${list.map((r) => r.rid).join(', ') || 'nothing'}`);
  const here = inGuest(g, o);
  if (verb === 'start') await startResources(g.svc, list, action, here);
  else await stopResources(g.svc, action === 'shutdown' ? list : list.filter((r) => !r.standby), action, here);
}

export async function agentlessStatus(g: Guest, c: GuestCall, timeoutMs: number): Promise<EncapStatus> {
  const runtime = { ...c.runtime, exec: guestExec(g.container.guestChannel(), c.runtime.exec, c.runtime.ssh) };
  const entries: ResourceStatusEntry[] = await Promise.all(encapResources(g).map((r) => resourceStatus(r, runtime, c.log, timeoutMs)));
  const resources = Object.fromEntries(entries.map((e) => [e.rid, { ...e, flags: e.flags }]));
  const { overall, avail } = aggregate(resources, {});
  return { guest: g.name, overall, avail, resources };
}
