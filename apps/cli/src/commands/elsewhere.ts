// Where the local daemon sees a failover service held by another live node
// (light: no zod, for the status path):
// `svcmgr start` refuses to start it a second time (the daemons would stop
// one copy, after both ran), and `json status` says it to the hypervisor
// above (a standby container at the encapsulated level is not a fault).
// No daemon here: no opinion, as before.
import { holds, own } from '@capsule/cluster/orchestrator';
import type { NodeView, ServicePolicy } from '@capsule/cluster';
import { ask, daemonPaths } from '@capsule/runtime/daemon';
import { existsSync } from 'node:fs';

/** The other live node holding `svc` as this node's daemon sees it, if any (`failover`: the caller knows the topology, as the daemon may not have read the service yet); `handing`: nodes handing it over to this one (a switch), not counted. */
export async function heldElsewhere(root: string, self: string, svc: string, o: { handing?: readonly string[]; failover?: boolean } = {}): Promise<string | undefined> {
  const socket = daemonPaths(root).socket;
  if (!existsSync(socket)) return undefined;
  const d = await ask<{ views?: Record<string, NodeView>; policies?: ServicePolicy[] }>(socket, { cmd: 'status' }, 3000).catch(() => undefined);
  // Only a failover service has one place: instances of a flex service elsewhere are not this one's.
  if (!d?.views || !(o.failover ?? d.policies?.find((p) => p.name === svc)?.topology === 'failover')) return undefined;
  return Object.keys(d.views)
    .sort()
    .find((n) => n !== self && !(o.handing ?? []).includes(n) && holds(own(own(d.views, n)?.services, svc)));
}
