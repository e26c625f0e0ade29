// `nodemgr driver add`: a driver package, from a tarball file or an npm
// registry, installed into the node's driver directory. Everything is
// checked in a staging directory inside the driver directory (same file
// system, so activation is a rename); the package.json listing the drivers
// is replaced last. Any failure before that leaves the node as it was.
import type { Platform } from '@capsule/core/manifest';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { OWNER_FILE, ownerDependencies, readOwner, readRemoved, REMOVED_FILE, removeStaleStages, writeJsonAtomic } from './driver-dir.js';
import { checkInstall, SHARED_PACKAGES, SHARED_SCOPE, sharedPeers, type InstallPlan } from './install-checks.js';
import { packageInvalid } from './install-errors.js';
import { downloadPackage, parseSpec } from './npm-registry.js';
import type { DriverEntry } from './entry.js';
import type { DriverRegistry } from './registry.js';
import { findSharedCopies, linkSharedCopies, relinkDriverDir, type RelinkResult, type SharedCopy } from './shared-links.js';
import { readTarball, writeEntries, type TarEntry } from './tarball.js';

export interface AddOptions {
  /** `FILE.tgz`, or `NAME[@VERSION|@RANGE|@TAG]` from the npm registry. */
  spec: string;
  driverDir: string;
  /** The drivers installed now (discovery of this node). */
  registry: DriverRegistry;
  appRoot: string | undefined;
  platform: Platform | undefined;
  npmRegistry: string;
  force: boolean;
}

export interface AddResult extends InstallPlan {
  source: string;
  /** The version of this package the driver directory had before, if any. */
  previous?: string;
  /** @capsule/* links of other drivers re-pointed at this capsule's copies on the way. */
  relinked: RelinkResult['relinked'];
}

export const isTarballPath = (spec: string): boolean => /\.(tgz|tar\.gz)$/.test(spec) || spec.startsWith('.') || spec.startsWith('/');

async function obtain(spec: string, npmRegistry: string): Promise<{ bytes: Uint8Array; source: string; expected?: { name: string; version: string } }> {
  if (isTarballPath(spec)) {
    const bytes = await readFile(spec).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? packageInvalid(spec, 'no such file') : e;
    });
    return { bytes, source: spec };
  }
  const parsed = parseSpec(spec);
  if (!parsed) throw packageInvalid(spec, 'neither a tarball file (.tgz) nor an npm package name, NAME[@VERSION]');
  const d = await downloadPackage(npmRegistry, parsed.name, parsed.wanted);
  return { bytes: d.bytes, source: d.source, expected: { name: parsed.name, version: d.version } };
}

function packageJsonOf(entries: readonly TarEntry[], source: string): Record<string, unknown> {
  const file = entries.find((e) => e.path === 'package.json' && e.kind === 'file')!;
  try {
    const pkg: unknown = JSON.parse(file.data.toString('utf8'));
    if (pkg && typeof pkg === 'object' && !Array.isArray(pkg)) return pkg as Record<string, unknown>;
  } catch {
    // said below
  }
  throw packageInvalid(source, 'its package.json is not a JSON object');
}

/** Names present as package/node_modules/<name>/package.json. */
function bundledNames(entries: readonly TarEntry[]): Set<string> {
  const names = entries.map((e) => /^node_modules\/((?:@[^/]+\/)?[^/@][^/]*)\/package\.json$/.exec(e.path)?.[1]).filter((n): n is string => n !== undefined);
  return new Set(names);
}

/**
 * The peers linked, the package renamed into place (the previous version
 * moved aside into the stage), then the new package.json: each step undone
 * in reverse if a later one fails.
 */
async function activate(driverDir: string, stage: string, plan: InstallPlan, copies: Record<string, SharedCopy>, owner: Record<string, unknown>): Promise<void> {
  const undo: Array<() => Promise<unknown>> = [];
  const target = join(driverDir, 'node_modules', plan.name);
  const old = join(stage, 'previous');
  try {
    await mkdir(join(driverDir, 'node_modules', SHARED_SCOPE), { recursive: true });
    const links = await linkSharedCopies(driverDir, copies);
    undo.push(() => Promise.all(links.map((l) => rm(l, { force: true }))));
    await mkdir(dirname(target), { recursive: true });
    await rename(target, old).then(
      () => undo.push(() => rename(old, target)),
      (e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      },
    );
    undo.push(() => rm(target, { recursive: true, force: true }));
    await rename(join(stage, 'package'), target);
    await writeJsonAtomic(join(driverDir, OWNER_FILE), owner);
  } catch (e) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw e;
  }
}

const readJson = (file: string): Promise<Record<string, unknown> | undefined> =>
  readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as Record<string, unknown>,
    () => undefined,
  );

/**
 * A package named as one of capsule's own (@capsule/core, driver-kit, a
 * bundled driver) would take the place of the link every driver shares, or
 * shadow the app's copy: refused.
 */
async function refuseCapsuleOwnName(name: unknown, source: string, installed: readonly DriverEntry[], appRoot: string | undefined, appDriverDirs: readonly string[]): Promise<void> {
  if (typeof name !== 'string' || !name.startsWith(SHARED_SCOPE)) return;
  const appName = appRoot ? ((await readJson(join(appRoot, 'package.json'))) ?? {})['name'] : undefined;
  const shipped = SHARED_PACKAGES.has(name) || name === appName || installed.some((e) => e.source === 'app' && e.name === name) || (await findSharedCopies([name], appRoot, appDriverDirs))[name] !== undefined;
  if (shipped) throw packageInvalid(source, `${name} is a package of capsule itself, which only an upgrade of capsule replaces`);
}

export async function addDriver(o: AddOptions): Promise<AddResult> {
  // Repairs, not changes: links an upgrade of capsule left dangling, stages of an add that died.
  const { relinked } = await relinkDriverDir(o.driverDir, o.registry, o.appRoot);
  await removeStaleStages(o.driverDir);
  // The first directory this made, if any: a refused add takes it away again.
  const made = await mkdir(join(o.driverDir, 'node_modules'), { recursive: true });
  let activated = false;
  // First, so that a user who may not write here is refused before anything is downloaded.
  const stage = await mkdtemp(join(o.driverDir, '.add-'));
  try {
    const { bytes, source, expected } = await obtain(o.spec, o.npmRegistry);
    const entries = readTarball(bytes, source);
    const pkg = packageJsonOf(entries, source);
    if (expected !== undefined && pkg['name'] !== expected.name) throw packageInvalid(source, `it is named ${JSON.stringify(pkg['name'])}, not ${expected.name}`);
    if (expected !== undefined && pkg['version'] !== expected.version) throw packageInvalid(source, `its package.json says version ${JSON.stringify(pkg['version'])}, but the registry published it as ${expected.version}`);
    const installed = o.registry.list();
    const appDriverDirs = installed.filter((e) => e.source === 'app').map((e) => e.dir);
    await refuseCapsuleOwnName(pkg['name'], source, installed, o.appRoot, appDriverDirs);
    const copies = await findSharedCopies(sharedPeers(pkg), o.appRoot, appDriverDirs);
    const plan = checkInstall({
      pkg,
      source,
      platform: o.platform,
      installed,
      capsuleVersions: Object.fromEntries(Object.entries(copies).map(([n, c]) => [n, c.version])),
      bundled: bundledNames(entries),
      force: o.force,
    });
    await writeEntries(entries, join(stage, 'package'));
    const owner = await readOwner(o.driverDir);
    const deps = ownerDependencies(owner);
    const previous = deps[plan.name];

    await activate(o.driverDir, stage, plan, copies, { ...owner, dependencies: { ...deps, [plan.name]: plan.version } });
    activated = true;
    // The types it provides are no longer missing: their "add it back" hint would mislead.
    const removed = await readRemoved(o.driverDir);
    const stale = plan.provides.filter((p) => Object.hasOwn(removed, p));
    if (stale.length) {
      for (const p of stale) delete removed[p];
      await writeJsonAtomic(join(o.driverDir, REMOVED_FILE), removed);
    }
    return { ...plan, source, ...(previous !== undefined ? { previous } : {}), relinked };
  } finally {
    await rm(stage, { recursive: true, force: true });
    if (!activated && made) await rm(made, { recursive: true, force: true });
  }
}
