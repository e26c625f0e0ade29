// The three ways a driver can be unusable, each with what to do about it.
import { CapsuleError } from '@capsule/core/errors';
import type { RemovedDrivers } from './driver-dir.js';
import type { DriverEntry } from './entry.js';
import { knownPackage } from './known-drivers.js';

/**
 * `unreadable`: packages whose package.json could not be read; one of them may be the driver missing.
 * `removed`: what `nodemgr driver remove` took away (removed.json): that package is named first.
 */
export function driverNotInstalled(group: string, type: string | undefined, driverDirs: readonly string[], unreadable: readonly DriverEntry[] = [], removed: RemovedDrivers = {}): CapsuleError {
  const what = type ? `${group} type "${type}"` : `${group} resources`;
  const key = type ? `${group}.${type}` : group;
  const dir = driverDirs[0] ?? 'a driver directory';
  const gone = (type ? [`${group}.${type}`, group] : [group]).map((k) => (Object.hasOwn(removed, k) ? removed[k] : undefined)).find((r) => r !== undefined);
  const pkg = gone?.package ?? knownPackage(group, type);
  const also = unreadable.length ? `; note that ${unreadable.map((e) => `${e.name} is unusable (${e.reason})`).join('; ')}` : '';
  const was = gone ? ` (${gone.package}${gone.version ? `@${gone.version}` : ''} provided it until \`nodemgr driver remove\`)` : '';
  return new CapsuleError('DriverNotInstalled', `no installed driver provides ${what}${was}${also}`, {
    hint: gone
      ? `add it back with \`nodemgr driver add ${gone.package}\` (or add another driver providing ${key}), then check with \`nodemgr driver list\``
      : pkg
        ? `install ${pkg} (or a third-party driver providing ${key}) in ${dir}: \`nodemgr driver add ${pkg}\`, then check with \`nodemgr driver list\``
        : `no capsule driver exists for ${what}: a third-party driver providing ${key} goes in ${dir} (\`nodemgr driver add PACKAGE\`; check the type's spelling: \`nodemgr driver list\` lists what is installed)`,
    details: { group, type, ...(pkg ? { package: pkg } : {}), ...(gone ? { removed: true } : {}), ...(unreadable.length ? { unreadable: unreadable.map((e) => e.name) } : {}) },
  });
}

export function driverIncompatible(entry: DriverEntry, group: string, type?: string): CapsuleError {
  return new CapsuleError('DriverIncompatible', `driver ${entry.name}@${entry.version} provides ${type ? `${group}.${type}` : group} but cannot be used: ${entry.reason}`, {
    hint: `install a version of ${entry.name} built for this capsule and platform (see \`nodemgr drivers\`)`,
    details: { driver: entry.name, version: entry.version, reason: entry.reason },
  });
}

/** Import failures: a missing dependency of the driver is told apart from a crash in its code. */
export function driverBroken(entry: DriverEntry, problem: string, cause?: unknown): CapsuleError {
  const missing = missingDependency(cause, entry.dir);
  const message = missing
    ? `driver ${entry.name}@${entry.version} is installed but its dependency "${missing}" is missing`
    : `driver ${entry.name}@${entry.version} is broken: ${problem}`;
  const hint = missing?.startsWith('@capsule/')
    ? `\`nodemgr driver relink\` points the driver directory's @capsule/* links at this capsule's copies (an upgrade of capsule removes the one they named)`
    : missing
    ? `reinstall ${entry.name} with its dependencies (in ${entry.dir})`
    : `reinstall or upgrade ${entry.name}; other drivers are unaffected`;
  return new CapsuleError('DriverBroken', message, { hint, cause, details: { driver: entry.name, dir: entry.dir, ...(missing ? { missing } : {}) } });
}

function missingDependency(cause: unknown, dir: string): string | undefined {
  const e = cause as { code?: string; message?: string } | undefined;
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' && !/Cannot find (package|module)/.test(e?.message ?? '')) return undefined;
  const m = /Cannot find (?:package|module) '([^']+)'/.exec(e?.message ?? '');
  const spec = m?.[1];
  // A relative file inside the driver itself is a broken package, not a missing dependency.
  if (!spec || spec.startsWith('.') || spec.startsWith(dir)) return undefined;
  return spec;
}
