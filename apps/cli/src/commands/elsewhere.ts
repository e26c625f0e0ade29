// Where the local daemon sees a failover service held by another live node
// (light: no zod, for the status path): `svcmgr start` refuses to start it a
// second time (the daemons would stop one copy, after both ran), and `json
// status` says it to the hypervisor above (a standby container at the
// encapsulated level is not a fault). No daemon here: no opinion, as before.
import { holds, own } from '@capsule/cluster/orchestrator';
import { daemonView, type DaemonStatusView } from './instances.js';

export interface ElsewhereOptions {
  /** Nodes handing the service over to this one (a switch): not counted. */
  handing?: readonly string[];
  /** The caller knows the service is failover (the daemon may not have read it yet). */
  failover?: boolean;
}

/** Pure: the other live node holding `svc` in the daemon's views, if any. */
export function heldElsewhereIn(d: DaemonStatusView, self: string, svc: string, o: ElsewhereOptions = {}): string | undefined {
  // Only a failover service has one place: instances of a flex service elsewhere are not this one's.
  if (!(o.failover ?? d.policies.find((p) => p.name === svc)?.topology === 'failover')) return undefined;
  return Object.keys(d.views)
    .sort()
    .find((n) => n !== self && !(o.handing ?? []).includes(n) && holds(own(own(d.views, n)?.services, svc)));
}

/** The other live node holding `svc` as this node's daemon sees it (`d`: its status, when already asked). */
export async function heldElsewhere(root: string, self: string, svc: string, o: ElsewhereOptions = {}, d?: DaemonStatusView): Promise<string | undefined> {
  const view = d ?? (await daemonView(root));
  return view ? heldElsewhereIn(view, self, svc, o) : undefined;
}
