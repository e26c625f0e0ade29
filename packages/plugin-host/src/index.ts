// Public API of @capsule/plugin-host.
export { discoverDrivers, defaultDriverDir, DriverRegistry, type DiscoveryOptions } from './registry.js';
export type { DriverEntry } from './entry.js';
export { KNOWN_DRIVERS, knownPackage } from './known-drivers.js';
export { PREFERENCE_RULE, compareVersions } from './preference.js';
export { resolveExport } from './exports.js';
export { locatePackage } from './candidates.js';
export { addDriver, type AddOptions, type AddResult } from './install.js';
export { removeDriver, type DriverUse, type RemoveOptions, type RemoveResult } from './uninstall.js';
export { DEFAULT_NPM_REGISTRY } from './npm-registry.js';
export { relinkDriverDir, type Relinked, type RelinkResult } from './shared-links.js';
