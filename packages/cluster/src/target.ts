// A service's target: the administrator's intent (`svcmgr start` or `stop`),
// cluster-wide. Each node keeps it in target.json and publishes it in its
// view; the newest (highest generation, the setter's name breaking a tie)
// wins everywhere, so every node ends up with the same target.
// No zod here: the orchestrator, which svcmon loads, uses this module.
import { own } from './membership.js';
import type { NodeView } from './view.js';

export type TargetState = 'started' | 'stopped';

/** target.json: what was asked, the change's number, when (ISO 8601) and on which node. */
export interface Target {
  target: TargetState;
  generation: number;
  at: string;
  by: string;
}

/** The file in the service's var directory. */
export const TARGET_FILE = 'target.json';

/** target.json's content, or undefined when missing or not valid (as if no target had been set). */
export function parseTarget(text: string | undefined): Target | undefined {
  if (text === undefined) return undefined;
  let v: Partial<Record<keyof Target, unknown>>;
  try {
    v = JSON.parse(text) as typeof v;
  } catch {
    return undefined;
  }
  const ok = v !== null && typeof v === 'object' && (v.target === 'started' || v.target === 'stopped') && Number.isSafeInteger(v.generation) && (v.generation as number) >= 0 && typeof v.at === 'string' && typeof v.by === 'string';
  return ok ? { target: v.target as TargetState, generation: v.generation as number, at: v.at as string, by: v.by as string } : undefined;
}

/** Whether `a` supersedes `b`: a higher generation, or the same one set by a node whose name sorts later (every node decides alike). */
export function newerTarget(a: Target | undefined, b: Target | undefined): boolean {
  if (!a) return false;
  if (!b) return true;
  return a.generation > b.generation || (a.generation === b.generation && a.by > b.by);
}

/** The target `node` publishes for `service`, if any. */
export function viewTarget(views: Readonly<Record<string, NodeView>>, node: string, service: string): Target | undefined {
  const i = own(own(views, node)?.services, service);
  return i?.target !== undefined && i.targetGen !== undefined ? { target: i.target, generation: i.targetGen, at: i.targetAt ?? '', by: i.targetBy ?? '' } : undefined;
}

/** The newest target among the views (undefined when no node has one), and the node publishing it. */
export function clusterTarget(views: Readonly<Record<string, NodeView>>, service: string): { target: Target; from: string } | undefined {
  let best: { target: Target; from: string } | undefined;
  for (const node of Object.keys(views).sort()) {
    const t = viewTarget(views, node, service);
    if (t && newerTarget(t, best?.target)) best = { target: t, from: node };
  }
  return best;
}

/** The next target after `current` when `by` asks for `state`; undefined when it is already that (a change only bumps the generation). */
export function nextTarget(current: Target | undefined, state: TargetState, by: string, at: Date, seenGeneration = 0): Target | undefined {
  if (current?.target === state) return undefined;
  return { target: state, generation: Math.max(current?.generation ?? 0, seenGeneration) + 1, at: at.toISOString(), by };
}

/** What a view carries of a target. */
export function targetFields(t: Target | undefined): { target?: TargetState; targetGen?: number; targetBy?: string; targetAt?: string } {
  return t ? { target: t.target, targetGen: t.generation, targetBy: t.by, targetAt: t.at } : {};
}

/** `stopped (by hv1, 12 s ago)`: for print status, svcmon and the daemon's reasons. */
export function describeTarget(t: Target | undefined, nowMs: number): string {
  if (!t) return 'started (default: none set)';
  const ago = Math.max(0, Math.round((nowMs - Date.parse(t.at)) / 1000));
  return `${t.target} (by ${t.by}, ${Number.isFinite(ago) ? `${ago} s ago` : t.at})`;
}
