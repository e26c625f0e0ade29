// The ways `nodemgr driver add|remove` refuses, each with what to do. The
// node is unchanged whenever one of these is thrown.
import { CapsuleError } from '@capsule/core/errors';

/** `source`: the file or URL the package came from. */
export function packageInvalid(source: string, why: string): CapsuleError {
  return new CapsuleError('DriverPackageInvalid', `${source} is not an installable driver package: ${why}`, {
    hint: 'a driver package is an npm tarball (`npm pack` or `pnpm pack`: files under package/) whose package.json has a "capsule" manifest',
    details: { source, why },
  });
}

export function integrityMismatch(source: string, algorithm: string, expected: string, actual: string): CapsuleError {
  return new CapsuleError('DriverIntegrityMismatch', `${source} does not match its published ${algorithm} digest (expected ${expected}, got ${actual}): nothing was unpacked`, {
    hint: 'the download was altered or truncated (a proxy, a mirror, a tampered registry): try again, and check CAPSULE_NPM_REGISTRY points at a registry you trust',
    details: { source, algorithm, expected, actual },
  });
}

export function providesConflict(name: string, clashes: ReadonlyArray<{ provides: string; by: string }>): CapsuleError {
  const list = clashes.map((c) => `${c.provides} (provided by ${c.by})`).join(', ');
  return new CapsuleError('DriverProvidesConflict', `${name} provides ${list}: installing it would replace the driver services use for ${clashes.length > 1 ? 'these types' : 'this type'}`, {
    hint: `add it with --force to use ${name} for ${clashes.length > 1 ? 'them' : 'it'} (drivers in the driver directory win over the bundled ones), or remove the other first (\`nodemgr driver remove ${clashes[0]!.by.replace(/@[^@]*$/, '')}\`)`,
    details: { driver: name, conflicts: clashes },
  });
}

export function dependenciesNotBundled(name: string, missing: readonly string[]): CapsuleError {
  return new CapsuleError('DriverDependenciesNotBundled', `${name} depends on ${missing.join(', ')}, which its package does not bundle`, {
    hint: `list ${missing.length > 1 ? 'them' : 'it'} in "bundleDependencies" of its package.json and pack again (they must be under package/node_modules); only @capsule/* packages come from this capsule, as peerDependencies`,
    details: { driver: name, missing },
  });
}

export function peerUnsatisfied(name: string, peer: string, range: string, have: string | undefined): CapsuleError {
  const why = have === undefined ? `this capsule has no ${peer} to share` : `this capsule runs ${peer}@${have}`;
  return new CapsuleError('DriverPeerUnsatisfied', `${name} needs ${peer}@${range}, but ${why}`, {
    hint:
      have === undefined
        ? `${peer} is not part of this capsule: the driver must bundle what it needs besides @capsule/core and @capsule/driver-kit`
        : range.startsWith('workspace:')
          ? 'a workspace: range is left in the package: pack it with `pnpm pack`, which writes the version range instead'
          : `install a version of ${name} built for ${peer}@${have} (\`nodemgr driver list\` shows this capsule's drivers and versions)`,
    details: { driver: name, peer, range, ...(have !== undefined ? { have } : {}) },
  });
}

export function versionNotFound(name: string, wanted: string, registry: string, published: readonly string[]): CapsuleError {
  const recent = published.slice(-8).join(', ');
  return new CapsuleError('DriverVersionNotFound', published.length ? `${name}@${wanted} is not published on ${registry}` : `${name} is not published on ${registry}`, {
    hint: published.length ? `published versions include ${recent}` : 'check the spelling, or set CAPSULE_NPM_REGISTRY to the registry that publishes it',
    details: { driver: name, wanted, registry, ...(published.length ? { published: published.slice(-8) } : {}) },
  });
}

export function registryFailed(url: string, why: string, cause?: unknown): CapsuleError {
  return new CapsuleError('DriverRegistryFailed', `cannot get ${url}: ${why}`, {
    hint: 'check the network and CAPSULE_NPM_REGISTRY; or download the tarball elsewhere (`npm pack NAME@VERSION`) and `nodemgr driver add FILE.tgz`',
    cause,
    details: { url, why },
  });
}

export function notRemovable(name: string, why: string, hint: string): CapsuleError {
  return new CapsuleError('DriverNotRemovable', `cannot remove ${name}: ${why}`, { hint, details: { driver: name } });
}

export function driverInUse(name: string, uses: ReadonlyArray<{ service: string; provides: string }>): CapsuleError {
  const services = [...new Set(uses.map((u) => u.service))];
  const types = [...new Set(uses.map((u) => u.provides))];
  return new CapsuleError('DriverInUse', `${name} is the only driver providing ${types.join(', ')}, used by ${services.length > 1 ? 'services' : 'service'} ${services.join(', ')} on this node`, {
    hint: `move or delete ${services.length > 1 ? 'those services' : 'that service'} first, or remove it with --force (${services.length > 1 ? 'they' : 'it'} will then fail with DriverNotInstalled until the driver is added back)`,
    details: { driver: name, uses },
  });
}

export function incompatibleHere(name: string, version: string, reason: string): CapsuleError {
  return new CapsuleError('DriverIncompatible', `${name}@${version} cannot be used on this node: ${reason}`, {
    hint: `add a version of ${name} built for this capsule and platform (\`nodemgr driver list\` shows what is installed)`,
    details: { driver: name, version, reason },
  });
}
