// The @capsule/* packages a third-party driver declares as peers are this
// capsule's own copies, made resolvable from the driver directory by a
// symlink `node_modules/@capsule/<pkg>` to their real directory: one copy of
// core in the process (its error brand, its driver contract), and the
// driver upgrades with the capsule instead of pinning its own.
import { randomBytes } from 'node:crypto';
import { lstat, readFile, readdir, readlink, rename, rm, rmdir, symlink } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { locatePackage } from './candidates.js';
import { packageInvalid } from './install-errors.js';
import { isPackageName, SHARED_SCOPE } from './install-checks.js';
import type { DriverRegistry } from './registry.js';

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

/** `node_modules/@capsule/<pkg>` of the driver directory; throws for a name that would lead elsewhere. */
function linkPath(driverDir: string, name: string): string {
  const scope = resolve(driverDir, 'node_modules', SHARED_SCOPE);
  const path = resolve(driverDir, 'node_modules', name);
  const rel = relative(scope, path);
  if (!name.startsWith(SHARED_SCOPE) || !isPackageName(name) || !rel || rel.startsWith('..') || rel.includes(sep)) {
    throw packageInvalid(name, `a link for it would not be inside ${scope}`);
  }
  return path;
}

/** A new link beside `path` (unguessable name, created exclusively) renamed over it: readers see the old target or the new one. */
async function replaceLink(path: string, target: string): Promise<void> {
  const temp = join(path, '..', `.${randomBytes(6).toString('hex')}.link`);
  await symlink(target, temp, 'dir');
  try {
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/**
 * Points `node_modules/<name>` of the driver directory at each copy, each
 * link replaced atomically (a new link renamed over the old). A real
 * directory there is a driver the administrator installed: left alone.
 * Returns the links that did not exist before, for an undo.
 */
export async function linkSharedCopies(driverDir: string, copies: Readonly<Record<string, SharedCopy>>): Promise<string[]> {
  const created: string[] = [];
  for (const [name, copy] of Object.entries(copies)) {
    const path = linkPath(driverDir, name);
    const was = await exists(path);
    if (was && !(await isLink(path))) continue;
    await replaceLink(path, copy.dir);
    if (!was) created.push(path);
  }
  return created;
}

export interface Relinked {
  name: string;
  /** Where the link pointed (a directory that may be gone). */
  from: string;
  to: string;
}

export interface RelinkResult {
  relinked: Relinked[];
  /** Links to a package this capsule no longer has: left as they are, the drivers using them are DriverBroken. */
  unresolved: Array<{ name: string; target: string }>;
}

/**
 * Re-points every @capsule/* link of the driver directory at the running
 * app's copy. The links name a versioned directory (the Debian package's
 * /usr/lib/capsule/VERSION/...), which an upgrade deletes: without this,
 * every added driver fails to import @capsule/core after one. A link already
 * right is left alone, so running it again changes nothing; no driver
 * directory is nothing to do.
 */
export async function relinkSharedCopies(driverDir: string, appRoot: string | undefined, appDriverDirs: readonly string[]): Promise<RelinkResult> {
  const scope = join(driverDir, 'node_modules', SHARED_SCOPE);
  const all = await readdir(scope).catch(() => [] as string[]);
  // Temp links of a replacement that died before its rename.
  for (const n of all.filter((n) => /^\..*\.link$/.test(n))) if (await isLink(join(scope, n))) await rm(join(scope, n), { force: true });
  const names = all.filter((n) => !n.startsWith('.')).map((n) => `${SHARED_SCOPE}${n}`);
  const out: RelinkResult = { relinked: [], unresolved: [] };
  const links: Array<{ name: string; target: string }> = [];
  for (const name of names) {
    const path = join(driverDir, 'node_modules', name);
    if (isPackageName(name) && (await isLink(path))) links.push({ name, target: await readlink(path) });
  }
  const copies = await findSharedCopies(links.map((l) => l.name), appRoot, appDriverDirs);
  for (const { name, target } of links) {
    const copy = copies[name];
    if (!copy) out.unresolved.push({ name, target });
    else if (target !== copy.dir) {
      await replaceLink(linkPath(driverDir, name), copy.dir);
      out.relinked.push({ name, from: target, to: copy.dir });
    }
  }
  return out;
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

/** relinkSharedCopies with the app's copies looked up as `driver add` does: from the app, then its bundled drivers. */
export function relinkDriverDir(driverDir: string, registry: DriverRegistry, appRoot: string | undefined): Promise<RelinkResult> {
  const appDriverDirs = registry.list().filter((e) => e.source === 'app').map((e) => e.dir);
  return relinkSharedCopies(driverDir, appRoot, appDriverDirs);
}
