// Which driver packages a platform's build ships: those whose manifest says
// they run there, or anywhere (API drivers, drivers of remote-managed hosts).
import { PLATFORMS, type Platform } from '@capsule/core/manifest';

export interface PackageJson {
  name: string;
  version?: string;
  capsule?: { platforms?: readonly string[] };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  files?: string[];
  [k: string]: unknown;
}

/** The build targets: every platform but `any`, which is a manifest's word for "all of them". */
export const TARGETS = PLATFORMS.filter((p): p is Exclude<Platform, 'any'> => p !== 'any');
export type Target = (typeof TARGETS)[number];

export function isTarget(p: string): p is Target {
  return (TARGETS as readonly string[]).includes(p);
}

/** Driver packages (a `capsule` manifest) that run on `target`, by name. */
export function driversFor(target: Target, packages: readonly PackageJson[]): string[] {
  return packages
    .filter((p) => p.capsule && (p.capsule.platforms ?? []).some((x) => x === target || x === 'any'))
    .map((p) => p.name)
    .sort();
}
