// `nodemgr driver remove`: a driver taken out of the node's driver
// directory. Refused while a service of this node needs it (unless forced);
// the package.json listing the drivers is replaced first (the driver is no
// longer discovered from then on), then its files go. What it provided is
// recorded in removed.json, so a service still using it is told which
// package to add back.
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OWNER_FILE, ownerDependencies, readOwner, readRemoved, REMOVED_FILE, removeStaleStages, writeJsonAtomic } from './driver-dir.js';
import type { DriverEntry } from './entry.js';
import { driverInUse, notRemovable } from './install-errors.js';
import { isPackageName, sharedPeers } from './install-checks.js';
import { DriverRegistry } from './registry.js';
import { pruneSharedLinks, relinkDriverDir, type RelinkResult } from './shared-links.js';

/** A resource section of a service: the driver lookup it needs. */
export interface DriverUse {
  service: string;
  group: string;
  type?: string;
}

export interface RemoveOptions {
  name: string;
  driverDir: string;
  registry: DriverRegistry;
  /** The resource sections of this node's services (read only when the driver is installed). */
  uses: () => Promise<DriverUse[]>;
  /** Where the app's @capsule/* copies are resolved from, for relinking. */
  appRoot: string | undefined;
  force: boolean;
}

export interface RemoveResult {
  name: string;
  version: string;
  provides: string[];
  /** Services left without a driver (--force). */
  broken: Array<{ service: string; provides: string }>;
  /** @capsule/* links of the remaining drivers re-pointed at this capsule's copies on the way. */
  relinked: RelinkResult['relinked'];
}

const servedBy = (registry: DriverRegistry, u: DriverUse): DriverEntry | undefined => {
  try {
    return registry.resolve(u.group, u.type);
  } catch {
    return undefined;
  }
};

/** The uses served by `entry` now that no other driver would serve once it is gone. */
export function orphanedUses(registry: DriverRegistry, entry: DriverEntry, uses: readonly DriverUse[]): Array<{ service: string; provides: string }> {
  const after = new DriverRegistry(
    registry.list().filter((e) => e !== entry),
    registry.driverDirs,
    [],
  );
  return uses
    .filter((u) => servedBy(registry, u) === entry && servedBy(after, u) === undefined)
    .map((u) => ({ service: u.service, provides: entry.provides.includes(`${u.group}.${u.type}`) ? `${u.group}.${u.type}` : u.group }));
}

export async function removeDriver(o: RemoveOptions): Promise<RemoveResult> {
  // Before any path is made of it: `../..` or `@capsule/../x` would lead out of node_modules.
  if (!isPackageName(o.name)) throw notRemovable(o.name, 'it is not an npm package name', '`nodemgr driver list` lists the installed drivers by name');
  const owner = await readOwner(o.driverDir);
  const deps = ownerDependencies(owner);
  const entry = o.registry.list().find((e) => e.name === o.name && e.source === 'driver-dir');
  if (!Object.hasOwn(deps, o.name)) {
    const bundled = o.registry.list().some((e) => e.name === o.name && e.source === 'app');
    throw bundled
      ? notRemovable(o.name, 'it is bundled with this capsule, not installed in the driver directory', `another driver providing the same types, added with \`nodemgr driver add\`, is used instead of it; ${o.name} itself goes with a build of capsule without it`)
      : notRemovable(o.name, `it is not installed in ${o.driverDir}`, '`nodemgr driver list` lists the installed drivers and where they are');
  }
  const broken = entry ? orphanedUses(o.registry, entry, await o.uses()) : [];
  if (broken.length && !o.force) throw driverInUse(o.name, broken);
  const { relinked } = await relinkDriverDir(o.driverDir, o.registry, o.appRoot);
  await removeStaleStages(o.driverDir);

  delete deps[o.name];
  await writeJsonAtomic(join(o.driverDir, OWNER_FILE), { ...owner, dependencies: deps });
  const version = entry?.version ?? '';
  const provides = entry?.provides ?? [];
  if (provides.length) {
    const removed = await readRemoved(o.driverDir);
    for (const p of provides) removed[p] = { package: o.name, version };
    await writeJsonAtomic(join(o.driverDir, REMOVED_FILE), removed);
  }
  // Moved aside first: a removal interrupted half-way leaves a directory nobody reads, not half a driver.
  const target = join(o.driverDir, 'node_modules', o.name);
  const trash = await mkdtemp(join(o.driverDir, '.remove-'));
  await rename(target, join(trash, 'package')).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  await rm(trash, { recursive: true, force: true });
  const stillNeeded = new Set(
    o.registry
      .list()
      .filter((e) => e.source === 'driver-dir' && e.name !== o.name)
      .flatMap((e) => sharedPeers(e.pkg)),
  );
  await pruneSharedLinks(o.driverDir, stillNeeded);
  return { name: o.name, version, provides, broken, relinked };
}
