// The encapsulated status of every container, gathered in parallel: a down
// container is not asked (its encap resources are down, app and sync n/a);
// an up one answers `json status`, read tolerantly (same major version,
// unknown fields ignored). Only the encap resources the file declares are
// shown, with the guest's status, label and log (control characters made
// visible); an invented rid is a warning, never a resource.
import { isCapsuleError, mergeStatus, renderFlags, type Status } from '@capsule/core';
import { aggregate } from '../aggregate.js';
import type { Service } from '../model.js';
import type { EncapStatus, ReceivedStatus, ResourceStatusEntry } from '../status-schema.js';
import { agentlessStatus } from './agentless.js';
import { heldGuestConfig, heldWarning } from './guest-config.js';
import { GUEST_STATUS_TIMEOUT_MS, guestsOf, sanitize, type Guest, type GuestCall } from './guest.js';

/** The encap resources as the hypervisor knows them from the file, all with one status. */
function recorded(svc: Service, status: (group: string) => Status): Record<string, ResourceStatusEntry> {
  return Object.fromEntries(
    svc.resources
      .filter((r) => r.encap)
      .map((r) => [r.rid, { rid: r.rid, group: r.group, status: status(r.group), label: '', flags: renderFlags(r), log: [], standby: r.standby, tags: r.tags, ...(r.subset ? { subset: r.subset } : {}) }]),
  );
}

const downOrNa = (group: string): Status => (group === 'app' || group === 'sync' ? 'n/a' : 'down');

function unreadable(e: unknown, g: Guest): string {
  // push_agent = true: what will push the missing agent (a status never does), or why nothing can.
  if (isCapsuleError(e) && e.code === 'GuestAgentMissing' && g.pushAgent && e.hint) return sanitize(`${e.message}: ${e.hint}`);
  if (isCapsuleError(e)) return sanitize(e.message);
  if (e instanceof SyntaxError) return `${g.rid}: ${g.name} answered an unreadable status: not JSON`;
  const issue = (e as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues?.[0];
  const what = issue ? `${issue.path.length ? `${issue.path.map(String).join('.')}: ` : ''}${issue.message}` : (e as Error).message;
  return `${g.rid}: ${g.name} answered an unreadable status: ${sanitize(what)}`;
}

/** What the guest says of the resources the file declares, the rest recomputed here. */
export function foldGuestStatus(svc: Service, guest: string, s: ReceivedStatus): EncapStatus {
  const declared = recorded(svc, () => 'undef');
  const warnings: string[] = [];
  for (const [rid, got] of Object.entries(s.resources)) {
    const mine = declared[rid];
    if (!mine) {
      warnings.push(`${guest} reports ${sanitize(rid)}, which the file does not declare at the encap level: ignored`);
      continue;
    }
    declared[rid] = { ...mine, status: got.status, label: sanitize(got.label), log: got.log.map(sanitize) };
  }
  const { overall, avail } = aggregate(declared, {});
  const elsewhere = typeof s['elsewhere'] === 'string' && avail !== 'up' && avail !== 'warn' ? sanitize(s['elsewhere']) : undefined;
  return { guest, overall, avail, resources: declared, ...(warnings.length ? { error: warnings.join('; ') } : {}), ...(elsewhere ? { elsewhere } : {}) };
}

async function guestStatus(g: Guest, c: GuestCall, refresh: boolean, timeoutMs: number): Promise<EncapStatus> {
  const svc = g.svc;
  try {
    if (!(await g.isUp(c))) {
      return { guest: g.name, overall: 'down', avail: 'down', resources: recorded(svc, downOrNa), error: 'container is down: encapsulated status not asked' };
    }
    if (g.agentless) return await agentlessStatus(g, c, timeoutMs);
    const r = await g.agent(c, ['json', 'status', ...(refresh ? ['--refresh'] : [])], { timeoutMs });
    if (r.code !== 0) throw new Error(sanitize(r.stderr.trim().split('\n').pop() || `json status exited ${r.code}`));
    // zod is loaded when a guest answers, not by every status.
    const { ReceivedStatus } = await import('../status-schema.js');
    return foldGuestStatus(svc, g.name, ReceivedStatus.parse(JSON.parse(r.stdout)));
  } catch (e) {
    // The guest's resources are unknown, and the service says so: warn, not a silent up.
    return { guest: g.name, overall: 'warn', avail: 'undef', resources: recorded(svc, () => 'undef'), error: unreadable(e, g) };
  }
}

/** A guest copy waiting for review is said on its container, whatever the guest answered. */
async function withHeldWarning(svc: Service, g: Guest, s: EncapStatus): Promise<EncapStatus> {
  const pending = await heldGuestConfig(svc, g.name);
  if (!pending) return s;
  const warning = heldWarning(svc, pending.held);
  return { ...s, overall: mergeStatus(s.overall, 'warn'), error: s.error ? `${s.error}; ${warning}` : warning };
}

export async function encapStatuses(svc: Service, c: GuestCall, refresh: boolean, timeoutMs = GUEST_STATUS_TIMEOUT_MS): Promise<Record<string, EncapStatus>> {
  if (svc.level !== 'hypervisor' || !svc.resources.some((r) => r.encap)) return {};
  const guests = guestsOf(svc);
  const statuses = await Promise.all(guests.map(async (g) => withHeldWarning(svc, g, await guestStatus(g, c, refresh, timeoutMs))));
  return Object.fromEntries(guests.map((g, i) => [g.rid, statuses[i]!]));
}
