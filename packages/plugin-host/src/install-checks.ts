// What `driver add` checks in a package before it is activated, with no
// I/O: a driver manifest usable here, dependencies bundled, @capsule/* peers
// accepting this capsule's copies, and no type taken from another driver
// unless forced. The first failing check is thrown, as a named error.
import type { Platform } from '@capsule/core/manifest';
import { toEntry, type DriverEntry } from './entry.js';
import { dependenciesNotBundled, incompatibleHere, packageInvalid, peerUnsatisfied, providesConflict } from './install-errors.js';
import { isVersion, satisfies } from './semver.js';

/** npm's package names: also what keeps `node_modules/<name>` inside the driver directory. */
export const isPackageName = (name: string): boolean => name.length <= 214 && /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(name);

/** Packages the app shares with third-party drivers instead of them bundling their own copy. */
export const SHARED_SCOPE = '@capsule/';

/** The @capsule/* packages it shares: the app's own ones; a driver may not carry one of these names itself. */
export const SHARED_PACKAGES: ReadonlySet<string> = new Set(['@capsule/core', '@capsule/driver-kit']);

const rawDeps = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * The @capsule/* packages a package.json declares (dependencies and peers)
 * that may become links: a valid name inside the scope with a string range.
 * The only list links are made from: a name such as `@capsule/../../x`
 * would put a link outside node_modules/@capsule/.
 */
export function sharedPeers(pkg: Record<string, unknown>): string[] {
  const all = { ...rawDeps(pkg['dependencies']), ...rawDeps(pkg['peerDependencies']) };
  return Object.keys(all)
    .filter((n) => n.startsWith(SHARED_SCOPE) && isPackageName(n) && typeof all[n] === 'string')
    .sort();
}

export interface InstallCheckInput {
  /** The package's package.json. */
  pkg: Record<string, unknown>;
  /** Where it came from, for messages. */
  source: string;
  platform: Platform | undefined;
  /** The drivers installed now (driver directories and the app's). */
  installed: readonly DriverEntry[];
  /** Version of each @capsule/* package the app can share, by name; absent: the app has none. */
  capsuleVersions: Readonly<Record<string, string>>;
  /** Names present under package/node_modules. */
  bundled: ReadonlySet<string>;
  force: boolean;
}

export interface InstallPlan {
  name: string;
  version: string;
  provides: string[];
  /** @capsule/* packages to make resolvable from the driver directory. */
  links: string[];
  /** Types it takes over from other drivers (--force). */
  replaces: Array<{ provides: string; by: string }>;
}

const record = (v: unknown): Record<string, string> =>
  v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};

export function checkInstall(input: InstallCheckInput): InstallPlan {
  const { pkg, source } = input;
  const name = pkg['name'];
  const version = pkg['version'];
  if (typeof name !== 'string' || !name) throw packageInvalid(source, 'its package.json has no "name"');
  if (!isPackageName(name)) throw packageInvalid(source, `its name ${JSON.stringify(name)} is not an npm package name`);
  if (typeof version !== 'string' || !isVersion(version)) throw packageInvalid(source, `its package.json has no "version" of the form 1.2.3`);
  if (pkg['capsule'] === undefined) throw packageInvalid(source, `${name} has no "capsule" manifest in its package.json: it is not a capsule driver`);
  const entry = toEntry({ name, dir: source, source: 'driver-dir', pkg }, input.platform)!;
  if (!entry.manifest) throw packageInvalid(source, entry.reason ?? 'invalid "capsule" manifest');
  if (!entry.compatible) throw incompatibleHere(name, version, entry.reason ?? 'unusable');

  // A name or range that is not one would be skipped by the checks below, and linked or resolved anyway.
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const [d, range] of Object.entries(rawDeps(pkg[field]))) {
      if (!isPackageName(d)) throw packageInvalid(source, `its ${field} name ${JSON.stringify(d)}, which is not an npm package name`);
      if (typeof range !== 'string') throw packageInvalid(source, `its ${field} give ${d} the range ${JSON.stringify(range)}, which is not a string`);
    }
  }
  const deps = record(pkg['dependencies']);
  const peers = record(pkg['peerDependencies']);
  const shared = { ...deps, ...peers };
  const links = sharedPeers(pkg);
  // Everything else must travel inside the tarball: the driver directory installs nothing on its own.
  const meta = (pkg['peerDependenciesMeta'] ?? {}) as Record<string, { optional?: unknown } | undefined>;
  const optional = (p: string) => Object.hasOwn(meta, p) && meta[p]?.optional === true;
  const foreign = [...Object.keys(deps), ...Object.keys(peers).filter((p) => !optional(p))].filter((d) => !d.startsWith(SHARED_SCOPE));
  const missing = [...new Set(foreign)].filter((d) => !input.bundled.has(d)).sort();
  if (missing.length) throw dependenciesNotBundled(name, missing);

  for (const peer of links) {
    const have = input.capsuleVersions[peer];
    if (have === undefined || satisfies(have, shared[peer]!) !== true) throw peerUnsatisfied(name, peer, shared[peer]!, have);
  }

  const replaces = entry.provides.flatMap((provides) =>
    input.installed.filter((e) => e.compatible && e.name !== name && e.provides.includes(provides)).map((e) => ({ provides, by: `${e.name}@${e.version}` })),
  );
  if (replaces.length && !input.force) throw providesConflict(name, replaces);
  return { name, version, provides: entry.provides, links, replaces };
}
