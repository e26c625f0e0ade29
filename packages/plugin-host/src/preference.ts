// Which of several usable providers of one group.type serves it: driver
// directories before the app's dependencies (an administrator's choice over
// the bundled one), then the highest version, then the name. Documented in
// the README; shown by `nodemgr drivers`.
import type { DriverEntry } from './entry.js';

export const PREFERENCE_RULE = 'driver directories before app dependencies, then the highest version, then the name';

/** Numeric major.minor.patch; a prerelease sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core = '', pre] = v.split('-', 2);
    return { nums: core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.nums.length, y.nums.length); i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d) return d;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/** Sort comparator: the preferred provider first. */
export function byPreference(a: DriverEntry, b: DriverEntry): number {
  const sa = a.source === 'driver-dir' ? 0 : 1;
  const sb = b.source === 'driver-dir' ? 0 : 1;
  if (sa !== sb) return sa - sb;
  return compareVersions(b.version, a.version) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
