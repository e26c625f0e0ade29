// svcmon: every service at a glance. With a running agent daemon, every
// service on every node of the cluster (avail, overall, target, frozen, placement
// leader, config up to date, whether the node may run it and why not),
// from the daemon's heartbeat views; without
// one, this node's cached status. `--watch` redraws in place on a terminal,
// and prints one snapshot after the other elsewhere: on each change the
// agent's event stream tells of, else every --interval.
import { ineligibility, own, placementOrder, type Target } from '@capsule/cluster/orchestrator';
import type { NodeView, ServicePolicy } from '@capsule/cluster';
import { readStatusCache } from '@capsule/service/cache';
import { servicePaths } from '@capsule/config/paths';
import { sanitize } from '@capsule/service/tree';
import { renderJson, renderTable } from '../output.js';
import type { CommandContext } from '../spec.js';
import { ask, daemonPaths } from '@capsule/runtime/daemon';
import { listServices } from '@capsule/runtime/services';
import { eventStream } from './event-stream.js';

export interface DaemonView {
  node: string;
  quorum: { quorum: boolean; reason: string };
  views: Record<string, NodeView>;
  policies: ServicePolicy[];
  /** Every other node of the cluster: alive, or why it is lost. */
  peers?: Record<string, { alive: boolean; reason?: string }>;
}

interface Row {
  service: string;
  node: string;
  avail: string;
  overall: string;
  frozen: boolean;
  leader: boolean;
  /** `yes`, or why the orchestrator will not place the service there. */
  eligible: string;
  /** `ok`, `stale` or `-`, then `, N kept` when diverged copies were kept there. */
  config: string;
  /** The target this node publishes (`started`, `stopped`), `-` when none was ever set: the daemons act as for started. */
  target: Target['target'] | '-';
  /** Its generation, when set: nodes that differ have not all heard the newest yet. */
  targetGen?: number;
}

async function cachedOverall(root: string, svc: string): Promise<string> {
  // Never refreshed on this node, unreadable or malformed: the status is not known.
  return (await readStatusCache(servicePaths(root, svc).varDir))?.overall ?? 'undef';
}

/** Rows from the daemon: one per service instance heard; the latest config generation is the reference. */
export function clusterRows(d: DaemonView): Row[] {
  const rows: Row[] = [];
  const names = [...new Set(Object.values(d.views).flatMap((v) => Object.keys(v.services)))].sort();
  for (const name of names) {
    const policy = d.policies.find((p) => p.name === name);
    const holders = Object.entries(d.views).filter(([, v]) => own(v.services, name));
    const newest = holders.map(([, v]) => own(v.services, name)!).sort((a, b) => b.generation - a.generation)[0];
    const eligible = Object.keys(d.views).filter((n) => ineligibility(name, n, d.views) === undefined);
    const leader = policy ? placementOrder(policy, eligible, d.views)[0] : undefined;
    const mine: Row[] = [];
    // A node of the service this daemon does not hear: a row of its own, never dropped.
    for (const node of policy?.nodes.filter((n) => !own(d.views, n)) ?? []) {
      mine.push({ service: name, node, avail: 'lost', overall: '-', frozen: false, leader: false, eligible: `no: ${d.peers?.[node]?.reason ?? 'not heard'}`, config: '-', target: '-' });
    }
    for (const [node, v] of holders) {
      const i = own(v.services, name)!;
      const why = ineligibility(name, node, d.views);
      mine.push({ service: name, node, avail: i.avail, overall: i.overall, frozen: i.frozen || v.frozen, leader: node === leader, eligible: why ? `no: ${why}` : 'yes', config: `${!newest?.csum ? '-' : i.csum === newest.csum ? 'ok' : 'stale'}${i.kept ? `, ${i.kept} kept` : ''}`, target: i.target ?? '-', ...(i.targetGen !== undefined ? { targetGen: i.targetGen } : {}) });
    }
    rows.push(...mine.sort((a, b) => a.node.localeCompare(b.node)));
  }
  return rows;
}

/** `nodes: hv1 up, hv2 up frozen, hv3 LOST (silent for 12.3 s)`: every node of the cluster and its state, as crm_mon shows them. */
export function nodesLine(d: DaemonView): string {
  const names = [...new Set([d.node, ...Object.keys(d.peers ?? {}), ...Object.keys(d.views)])].sort();
  const state = (n: string) => {
    const v = own(d.views, n);
    if (v) return `${n} up${v.frozen ? ' frozen' : ''}`;
    return `${n} LOST${d.peers?.[n]?.reason ? ` (${d.peers[n].reason})` : ''}`;
  };
  return `nodes: ${names.map(state).join(', ')}`;
}

async function snapshot(ctx: CommandContext): Promise<{ text: string; json: unknown }> {
  const d = await ask<DaemonView>(daemonPaths(ctx.root).socket, { cmd: 'status' }, 3000).catch(() => undefined);
  if (d?.views) {
    const rows = clusterRows(d);
    const head = `cluster view from ${d.node}: ${d.quorum.quorum ? 'quorum' : 'NO QUORUM'} (${d.quorum.reason})\n${nodesLine(d)}\n`;
    const table = renderTable(
      ['SERVICE', 'NODE', 'AVAIL', 'OVERALL', 'TARGET', 'FROZEN', 'LEADER', 'CONFIG', 'ELIGIBLE'],
      rows.map((r) => [r.service, r.node, r.avail, r.overall, r.target, r.frozen ? 'frozen' : '-', r.leader ? '^' : '', r.config, r.eligible].map(sanitize)),
    );
    return { text: head + table, json: rows };
  }
  const names = await listServices(ctx.root);
  const rows = await Promise.all(names.map(async (svc) => ({ service: svc, node: ctx.nodename, overall: await cachedOverall(ctx.root, svc) })));
  return { text: renderTable(['SERVICE', 'NODE', 'OVERALL'], rows.map((r) => [r.service, r.node, r.overall])), json: rows };
}

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.options['watch'] !== true) {
    const s = await snapshot(ctx);
    ctx.out(ctx.format === 'json' ? renderJson(s.json) : s.text);
    return 0;
  }
  const interval = Math.max(0.2, Number(ctx.options['interval'] ?? 2)) * 1000;
  // On a terminal, in place: home and clear, cursor hidden while watching; Ctrl-C gives the terminal back as it was.
  // Elsewhere (a file, a pipe) escapes would be garbage: each snapshot follows the last, after a blank line.
  const draw = ctx.tty ? (text: string) => ctx.out(`\x1b[H\x1b[2J${text}`) : (text: string, n: number) => ctx.out(`${n ? '\n' : ''}${text}`);
  if (ctx.tty) ctx.out('\x1b[?25l');
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const onSignal = () => stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // With an agent, redrawn when it tells of a change (its event stream), a tenth of a second after the first of a burst;
  // the interval stays as the pace without one, and as a floor should the stream go quiet.
  let changed!: () => void;
  let change = new Promise<'change'>((r) => (changed = () => r('change')));
  let pending: NodeJS.Timeout | undefined;
  const events = eventStream(ctx.root, () => (pending ??= setTimeout(() => ((pending = undefined), changed()), 100)));
  const live = await events.open.then(() => true, () => false);
  try {
    for (let n = 0; ; n++) {
      const s = await snapshot(ctx);
      draw(`${new Date().toISOString()}  ${live ? 'on changes' : `every ${interval / 1000}s`}${ctx.tty ? ', Ctrl-C to leave' : ''}\n\n${s.text}`, n);
      const tick = new Promise<'tick'>((r) => setTimeout(() => r('tick'), interval));
      const next = await Promise.race([tick, change, stopped.then(() => 'stop' as const)]);
      if (next === 'stop') break;
      if (next === 'change') change = new Promise<'change'>((r) => (changed = () => r('change')));
    }
  } finally {
    events.close();
    if (pending) clearTimeout(pending);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (ctx.tty) ctx.out('\x1b[?25h\n');
  }
  return 0;
}
