// The @capsule/* packages a third-party driver declares as peers are this
// capsule's own copies, made resolvable from the driver directory by a
// symlink `node_modules/@capsule/<pkg>` to their real directory: one copy of
// core in the process (its error brand, its driver contract), and the
// driver upgrades with the capsule instead of pinning its own.
import { lstat, readFile, readdir, rename, rm, rmdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { locatePackage } from './candidates.js';
import { SHARED_SCOPE } from './install-checks.js';

export interface SharedCopy {
  dir: string;
  version: string;
}

/**
 * Where the app's copy of each package is: resolved from the app, as
 * discovery resolves its drivers, else from one of its bundled drivers
 * (driver-kit is a dependency of the drivers, not of the app itself).
 */
export async function findSharedCopies(names: readonly string[], appRoot: string | undefined, appDriverDirs: readonly string[]): Promise<Record<string, SharedCopy>> {
  const owners = [...(appRoot ? [appRoot] : []), ...appDriverDirs];
  const out: Record<string, SharedCopy> = {};
  for (const name of names) {
    for (const owner of owners) {
      const dir = await locatePackage(owner, name);
      if (!dir) continue;
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8').catch(() => '{}')) as { version?: unknown };
      if (typeof pkg.version === 'string') out[name] = { dir, version: pkg.version };
      break;
    }
  }
  return out;
}

const isLink = async (path: string) => (await lstat(path).catch(() => undefined))?.isSymbolicLink() === true;
const exists = async (path: string) => (await lstat(path).catch(() => undefined)) !== undefined;

/**
 * Points `node_modules/<name>` of the driver directory at each copy, each
 * link replaced atomically (a new link renamed over the old). A real
 * directory there is a driver the administrator installed: left alone.
 * Returns the links that did not exist before, for an undo.
 */
export async function linkSharedCopies(driverDir: string, copies: Readonly<Record<string, SharedCopy>>): Promise<string[]> {
  const created: string[] = [];
  for (const [name, copy] of Object.entries(copies)) {
    const path = join(driverDir, 'node_modules', name);
    const was = await exists(path);
    if (was && !(await isLink(path))) continue;
    const temp = join(driverDir, 'node_modules', SHARED_SCOPE, `.${name.slice(SHARED_SCOPE.length)}.${process.pid}.link`);
    await rm(temp, { force: true });
    await symlink(copy.dir, temp, 'dir');
    await rename(temp, path);
    if (!was) created.push(path);
  }
  return created;
}

/** Removes the @capsule/* links no installed package of the driver directory names any more. */
export async function pruneSharedLinks(driverDir: string, stillNeeded: ReadonlySet<string>): Promise<void> {
  const scope = join(driverDir, 'node_modules', SHARED_SCOPE);
  const names = await readdir(scope).catch(() => [] as string[]);
  for (const n of names) {
    const path = join(scope, n);
    if (!stillNeeded.has(`${SHARED_SCOPE}${n}`) && (await isLink(path))) await rm(path, { force: true });
  }
  // The scope directory too once empty; rmdir refuses one that is not.
  await rmdir(scope).catch(() => undefined);
}
