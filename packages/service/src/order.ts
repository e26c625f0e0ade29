// Which resources an action touches and in what order: OpenSVC's group
// order (ip, disk, fs, share, container, app; stop reversed), natural rid
// order within a group (apps by their start/stop sequence), and parallel
// subsets run as one step.
import { compareRid } from '@capsule/core';
import { START_ORDER } from './groups.js';
import type { ServiceResource } from './model.js';

export type Verb = 'start' | 'stop';

export interface Selection {
  rids?: string[];
  /** Each item: `a+b` means a and b; items are or-ed (`--tags a,b+c`). */
  tags?: string[];
  subsets?: string[];
  /** Sub-actions limit the groups: startip -> ['ip']. */
  groups?: string[];
}

export function select(resources: readonly ServiceResource[], s: Selection): ServiceResource[] {
  return resources.filter(
    (r) =>
      (!s.rids?.length || s.rids.includes(r.rid)) &&
      (!s.tags?.length || s.tags.some((t) => t.split('+').every((tag) => r.tags.includes(tag)))) &&
      (!s.subsets?.length || (r.subset !== undefined && s.subsets.includes(r.subset))) &&
      (!s.groups?.length || s.groups.includes(r.group)),
  );
}

function compareInGroup(verb: Verb) {
  return (a: ServiceResource, b: ServiceResource): number => {
    const sa = verb === 'start' ? a.startSeq : a.stopSeq;
    const sb = verb === 'start' ? b.startSeq : b.stopSeq;
    if (sa !== undefined && sb !== undefined && sa !== sb) return sa - sb;
    if (sa !== undefined && sb === undefined) return -1;
    if (sa === undefined && sb !== undefined) return 1;
    return verb === 'start' ? compareRid(a.rid, b.rid) : compareRid(b.rid, a.rid);
  };
}

/** Steps of an action; the resources of one step run concurrently. */
export function plan(resources: readonly ServiceResource[], verb: Verb, subsets: Record<string, { parallel: boolean }> = {}): ServiceResource[][] {
  const groups = verb === 'start' ? [...START_ORDER] : [...START_ORDER].reverse();
  const steps: ServiceResource[][] = [];
  for (const group of groups) {
    const members = resources.filter((r) => r.group === group).sort(compareInGroup(verb));
    // On start, resources outside any subset first, then subsets by name; stop reverses that.
    const names = [...new Set(members.map((r) => r.subset ?? ''))].sort();
    if (verb === 'stop') names.reverse();
    for (const name of names) {
      const part = members.filter((r) => (r.subset ?? '') === name);
      if (name && subsets[`${group}:${name}`]?.parallel) steps.push(part);
      else for (const r of part) steps.push([r]);
    }
  }
  return steps;
}
