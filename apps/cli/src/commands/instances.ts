// Every node's instance of a service, as this node's daemon hears them:
// what `print status` adds under the local tree (om3's instances), lost
// nodes included. Light (no zod): the status path loads it.
import type { NodeView, ServicePolicy } from '@capsule/cluster';
import { own } from '@capsule/cluster/orchestrator';
import { ask, daemonPaths } from '@capsule/runtime/daemon';
import { existsSync } from 'node:fs';
import { renderTable } from '../output.js';

export type Instance =
  | { node: string; state: 'heard'; avail: string; overall: string; frozen: boolean; target: string; generation: number }
  | { node: string; state: 'no copy' }
  | { node: string; state: 'lost'; reason: string };

export interface DaemonStatusView {
  node: string;
  quorum: { quorum: boolean; reason: string };
  views: Record<string, NodeView>;
  policies: ServicePolicy[];
  peers: Record<string, { alive: boolean; reason?: string }>;
}

export async function daemonView(root: string): Promise<DaemonStatusView | undefined> {
  const socket = daemonPaths(root).socket;
  if (!existsSync(socket)) return undefined;
  const d = await ask<DaemonStatusView>(socket, { cmd: 'status' }, 3000).catch(() => undefined);
  return d?.views ? d : undefined;
}

/** Pure: the instances of `svc` on its nodes (or every node heard holding it), in nodes order. */
export function instancesOf(svc: string, d: DaemonStatusView): Instance[] {
  const policy = d.policies.find((p) => p.name === svc);
  const heard = Object.keys(d.views).filter((n) => own(own(d.views, n)?.services, svc));
  const nodes = [...new Set([...(policy?.nodes ?? []), ...heard.sort()])];
  return nodes.map((node): Instance => {
    const v = own(d.views, node);
    if (!v) return { node, state: 'lost', reason: d.peers[node]?.reason ?? 'not heard' };
    const i = own(v.services, svc);
    if (!i) return { node, state: 'no copy' };
    return { node, state: 'heard', avail: i.avail, overall: i.overall, frozen: v.frozen || i.frozen, target: i.target ?? '-', generation: i.generation };
  });
}

export function renderInstances(d: DaemonStatusView, list: readonly Instance[]): string {
  const rows = list.map((i) =>
    i.state === 'heard' ? [i.node, i.avail, i.overall, i.target, i.frozen ? 'frozen' : '-', String(i.generation)] : i.state === 'lost' ? [i.node, 'LOST', `(${i.reason})`, '', '', ''] : [i.node, '-', 'no copy', '', '', ''],
  );
  const head = `instances, as ${d.node}'s daemon hears them (${d.quorum.quorum ? 'quorum' : 'NO QUORUM'}):\n`;
  const table = renderTable(['NODE', 'AVAIL', 'OVERALL', 'TARGET', 'FROZEN', 'CONFIG GEN'], rows);
  return head + table.trimEnd().split('\n').map((l) => `  ${l}`).join('\n') + '\n';
}
