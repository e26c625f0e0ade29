// The report as text, for a terminal and an issue's closing note: the
// verdict first, then the figures per fault kind, then every fault.
import type { FaultOutcome, NemesisReport } from './analysis.js';
import { faultLabel } from './schedule.js';
import { secs as s } from './time.js';

const pad = (text: string, n: number) => text.padEnd(n);

function minutes(ms: number): string {
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s`;
}

function faultLine(o: FaultOutcome, from: number): string {
  const what = faultLabel(o.kind, o.loss);
  const target = `${o.node}${o.onHolder ? ' (holder)' : ''}`;
  const after = [
    `outage ${s(o.outageMs)}${o.unrecovered ? ' (no answer before the next fault)' : ''}`,
    ...(o.failoverMs !== undefined ? [`failover ${s(o.failoverMs)}`] : []),
    ...(o.movedTo ? [`now on ${o.movedTo}`] : []),
  ];
  return `  +${pad(s(o.injectedAt - from), 8)} ${pad(what, 11)} ${pad(target, 13)} ${pad(s(o.healedAt - o.injectedAt), 7)} ${after.join(', ')}`;
}

export function renderReport(r: NemesisReport): string {
  const from = r.startedAt;
  const out: string[] = [];
  out.push(`capsule nemesis, seed ${r.seed}: ${minutes(r.durationMs)} of faults on 3 nodes${r.arbitrator ? ' with an arbitrator' : ''}${r.backend === 'etcd' ? ' on a three-member etcd' : ''} (run ${minutes(r.elapsedMs)})`);
  out.push(r.ok ? 'verdict: PASS (no double hold, no lost acknowledged edit)' : `verdict: FAIL\n${r.findings.map((f) => `  ${f}`).join('\n')}`);
  out.push('');
  out.push(`faults: ${r.faults.total} (${r.kinds.map((k) => `${k} ${r.faults.byKind[k] ?? 0}`).join(', ')})`);
  const d = r.doubleHolds;
  out.push(`double holds: ${d.count}${d.count ? `, total ${s(d.totalMs)}, longest ${s(d.maxMs)}` : ''}`);
  out.push(`edits: ${r.edits.acknowledged} acknowledged, ${r.edits.failed} failed, ${r.edits.lost.length} lost`);
  if (r.unaskedMoves.length) out.push(`moves after a fault that spared the holder: ${r.unaskedMoves.map((o) => `${o.kind} of ${o.node}, ${o.holder} -> ${o.movedTo}`).join('; ')}`);
  if (r.settle.lagging.length) out.push(`not settled at the end (ready and in quorum): ${r.settle.lagging.join(', ')}`);
  if (!r.settle.converged) out.push('the config copies had not converged at the end');
  if (!r.settle.serving) out.push('the service did not answer the client at the end');
  if (r.logsDir) out.push(`the nodes' logs: ${r.logsDir}`);
  out.push('');
  out.push(`${pad('kind', 11)} ${pad('count', 6)} ${pad('holder', 7)} ${pad('client outage median / max', 27)} failover median / max (moved / holder faults)`);
  for (const k of r.kinds) {
    const p = r.perKind[k];
    if (!p) continue;
    const f = p.failover;
    const failover = !f || !p.count ? '-' : f.moved ? `${s(f.median!)} / ${s(f.max!)} (${f.moved} / ${f.asked})` : `- (0 / ${f.asked})`;
    const outage = p.count ? `${s(p.outage.median)} / ${s(p.outage.max)}` : '-';
    out.push(`${pad(k, 11)} ${pad(String(p.count), 6)} ${pad(String(p.onHolder), 7)} ${pad(outage, 27)} ${failover}`);
  }
  out.push('');
  out.push('every fault (time since the first, kind, node, how long, what the client saw):');
  for (const o of r.log) out.push(faultLine(o, from));
  for (const [i, e] of d.episodes.entries()) {
    if (!e.events?.length) continue;
    out.push('', `double hold ${i + 1} (${e.nodes.join(', ')}, ${s(e.durationMs)} from +${s(e.start - from)}), the logs around it:`);
    out.push(...e.events.map((l) => `  ${l}`));
  }
  for (const e of r.edits.lost) {
    // The fault under way when the edit was made is most often why its push never got through.
    const f = r.log.find((o) => o.injectedAt <= e.at && e.at <= o.healedAt);
    const during = f ? ` during ${faultLabel(f.kind, f.loss)} on ${f.node} (from +${s(f.injectedAt - from)})` : '';
    out.push(`lost edit nemesis_${e.k}: acknowledged on ${e.node}${e.onHolder ? ' (holder)' : ''} at +${s(e.at - from)}${during}, missing on ${e.missingOn.join(', ')}`);
  }
  return out.join('\n') + '\n';
}
