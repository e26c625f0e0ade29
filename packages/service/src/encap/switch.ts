// `switch --to GUEST` run on a hypervisor, GUEST one of encapnodes: the
// encapsulated level of a farmed-failover service is a cluster of its own,
// so the container of this hypervisor that runs it switches it, with its own
// svcmgr and the guests' own ssh. The hypervisor level does not move.
import { CapsuleError } from '@capsule/core';
import type { Service } from '../model.js';
import { GUEST_ACTION_TIMEOUT_MS, GUEST_STATUS_TIMEOUT_MS, type Guest, type GuestCall } from './guest.js';

/** Whether the guest runs the encapsulated service (its own status says up or warn). */
async function runsIt(g: Guest, c: GuestCall): Promise<boolean> {
  if (g.agentless || !(await g.isUp(c))) return false;
  const r = await g.agent(c, ['json', 'status'], { timeoutMs: GUEST_STATUS_TIMEOUT_MS });
  if (r.code !== 0) return false;
  try {
    const avail = (JSON.parse(r.stdout) as { avail?: unknown }).avail;
    return avail === 'up' || avail === 'warn';
  } catch {
    return false;
  }
}

export async function switchEncapsulated(svc: Service, to: string, guests: readonly Guest[], call: (g: Guest) => GuestCall, o: { force?: boolean; dryRun?: boolean } = {}): Promise<void> {
  const running = (await Promise.all(guests.map(async (g) => ((await runsIt(g, call(g)).catch(() => false)) ? g : undefined)))).filter((g): g is Guest => g !== undefined);
  if (!running.length) {
    throw new CapsuleError('NotRunningHere', `${svc.svcname}: no container of ${svc.nodename} runs its encapsulated service (${guests.map((g) => g.name).join(', ') || 'no container'}): nothing to switch from here`, {
      hint: `run \`svcmgr -s ${svc.svcname} switch --to ${to}\` on the hypervisor whose container runs it, or in that container`,
    });
  }
  for (const g of running) {
    const c = call(g);
    if (g.name === to) {
      c.log.info(`${g.name}: the encapsulated service already runs here`);
      continue;
    }
    const args = ['switch', '--to', to, ...(o.force ? ['--force'] : []), ...(o.dryRun ? ['--dry-run'] : [])];
    c.log.info(`${g.name}: svcmgr -s ${svc.svcname} ${args.join(' ')}`);
    await g.agentChecked(c, args, { timeoutMs: GUEST_ACTION_TIMEOUT_MS });
  }
}
