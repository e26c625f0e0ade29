// Which line of a scoped keyword applies on a given node: `kw@<node>`, then
// `@nodes`, `@drpnodes`, `@encapnodes`, `@flex_primary`, `@drp_flex_primary`,
// then the unscoped `kw`.
import type { Entry } from './reader.js';

export const SCOPE_GROUPS = ['nodes', 'drpnodes', 'encapnodes', 'flex_primary', 'drp_flex_primary'] as const;
export type ScopeGroup = (typeof SCOPE_GROUPS)[number];

export interface NodeSets {
  nodes: string[];
  drpnodes: string[];
  encapnodes: string[];
  flex_primary: string;
  drp_flex_primary: string;
}

/**
 * The node-set keywords are computed from each other, so each may only be
 * scoped by the sets computed before it (and never by itself): encapnodes,
 * then drpnodes, then nodes, then the flex primaries.
 */
export const USABLE_SCOPES: Readonly<Record<string, readonly ScopeGroup[]>> = {
  encapnodes: [],
  drpnodes: ['encapnodes'],
  drpnode: ['encapnodes'],
  nodes: ['drpnodes', 'encapnodes'],
  flex_primary: ['nodes', 'drpnodes', 'encapnodes'],
  drp_flex_primary: ['nodes', 'drpnodes', 'encapnodes', 'flex_primary'],
};

export function inScope(group: ScopeGroup, nodename: string, sets: Partial<NodeSets>): boolean {
  const v = sets[group];
  if (v === undefined) return false;
  return Array.isArray(v) ? v.includes(nodename) : v === nodename;
}

/**
 * Picks the entry for `keyword` among a section's entries. `sets` holds the
 * node sets known so far; `usable` limits the group scopes considered.
 */
export function pickEntry(
  entries: readonly Entry[],
  keyword: string,
  nodename: string,
  sets: Partial<NodeSets>,
  usable: readonly ScopeGroup[] = SCOPE_GROUPS,
): Entry | undefined {
  const candidates = entries.filter((e) => e.keyword === keyword);
  if (!candidates.length) return undefined;
  const exact = candidates.find((e) => e.scope === nodename.toLowerCase());
  if (exact) return exact;
  for (const group of SCOPE_GROUPS) {
    if (!usable.includes(group) || group === keyword) continue;
    const e = candidates.find((c) => c.scope === group);
    if (e && inScope(group, nodename, sets)) return e;
  }
  return candidates.find((e) => e.scope === undefined);
}
