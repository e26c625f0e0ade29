// Which resources an action touches and in what order: OpenSVC's group
// order (ip, disk, fs, share, container, app; stop reversed), natural rid
// order within a group (apps by their start/stop sequence), SCSI
// reservations before the other disks of their subset (after them at stop),
// and parallel subsets run as one step.
import { CapsuleError, closest, compareRid } from '@capsule/core';
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

const UNKNOWN = { resource: 'UnknownResource', tag: 'UnknownTag', subset: 'UnknownSubset' } as const;

function unknownError(svcname: string, what: keyof typeof UNKNOWN, name: string, known: readonly string[]): CapsuleError {
  const near = closest(name, known);
  const list = known.length ? `${what}s are ${known.join(', ')}` : `${svcname} has no ${what}s`;
  return new CapsuleError(UNKNOWN[what], `${svcname}: no ${what} ${name}`, {
    hint: near ? `did you mean ${near}? ${list}` : list,
    details: { [what]: name },
  });
}

/**
 * A selection the user typed must select something: `--rid fs#9` (a typo)
 * or `--tags nosuchtag` doing nothing and exiting 0 would look like success.
 */
export function checkSelection(svcname: string, resources: readonly ServiceResource[], s: Selection): void {
  const rids = resources.map((r) => r.rid);
  const tags = [...new Set(resources.flatMap((r) => r.tags))].sort();
  const subsets = [...new Set(resources.flatMap((r) => (r.subset ? [r.subset] : [])))].sort();
  for (const rid of s.rids ?? []) if (!rids.includes(rid)) throw unknownError(svcname, 'resource', rid, rids);
  for (const tag of (s.tags ?? []).flatMap((t) => t.split('+'))) if (!tags.includes(tag)) throw unknownError(svcname, 'tag', tag, tags);
  for (const subset of s.subsets ?? []) if (!subsets.includes(subset)) throw unknownError(svcname, 'subset', subset, subsets);
  const typed = Boolean(s.rids?.length || s.tags?.length || s.subsets?.length);
  if (typed && select(resources, s).length === 0) {
    const what = [s.rids?.length ? `--rid ${s.rids.join(',')}` : '', s.tags?.length ? `--tags ${s.tags.join(',')}` : '', s.subsets?.length ? `--subsets ${s.subsets.join(',')}` : ''].filter(Boolean).join(' ');
    throw new CapsuleError('NothingSelected', `${svcname}: ${what} selects no ${s.groups?.length ? `${s.groups.join(', ')} ` : ''}resource`, {
      hint: `resources are ${resources.map((r) => `${r.rid}${r.tags.length ? ` (tags ${r.tags.join(',')})` : ''}`).join(', ')}`,
    });
  }
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

const isLocker = (r: ServiceResource): boolean => r.group === 'disk' && r.type === 'scsireserv';

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
      // Reservations hold the disks before any of them starts and until all are stopped (OpenSVC's LOCKER_TYPES).
      const lockers = part.filter(isLocker);
      const others = part.filter((r) => !isLocker(r));
      const runs = (verb === 'start' ? [lockers, others] : [others, lockers]).filter((x) => x.length);
      if (name && subsets[`${group}:${name}`]?.parallel) steps.push(...runs);
      else for (const r of runs.flat()) steps.push([r]);
    }
  }
  return steps;
}
