// The packages a set of roots needs at run time, found as Node would find
// them (node_modules lookup from each package's real directory), so that a
// build holds exactly what its programs import and nothing of the workspace.
import { locatePackage } from '@capsule/plugin-host';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageJson } from './select.js';

export interface Found {
  name: string;
  /** Real directory of the package. */
  dir: string;
  pkg: PackageJson;
}

export function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/**
 * Every package reachable from each root's `names` (looked up from its `from` directory) through
 * dependencies, peer dependencies and optional dependencies. Two versions of one name cannot
 * share the flat node_modules of a build: that is an error naming both.
 */
export async function closure(roots: ReadonlyArray<{ from: string; names: readonly string[] }>): Promise<Found[]> {
  const found = new Map<string, Found>();
  const visit = async (from: string, name: string, optional: boolean): Promise<void> => {
    const dir = await locatePackage(from, name);
    if (!dir) {
      if (optional) return;
      throw new Error(`${name} is not installed (needed from ${from}): run pnpm install`);
    }
    const seen = found.get(name);
    if (seen) {
      if (seen.dir !== dir) throw new Error(`two copies of ${name} are needed (${seen.dir} and ${dir}): a build has one node_modules`);
      return;
    }
    const pkg = readPackage(dir);
    found.set(name, { name, dir, pkg });
    const optionalPeers = (pkg['peerDependenciesMeta'] ?? {}) as Record<string, { optional?: boolean }>;
    for (const d of Object.keys(pkg.dependencies ?? {})) await visit(dir, d, false);
    // Plugins take @capsule/core as a peer: the build provides the one copy.
    for (const d of Object.keys((pkg['peerDependencies'] ?? {}) as Record<string, string>)) await visit(dir, d, optionalPeers[d]?.optional === true);
    for (const d of Object.keys(pkg.optionalDependencies ?? {})) await visit(dir, d, true);
  };
  for (const r of roots) for (const n of r.names) await visit(r.from, n, false);
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}
