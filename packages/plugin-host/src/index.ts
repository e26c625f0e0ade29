// Public API of @capsule/plugin-host.
export { discoverDrivers, defaultDriverDir, DriverRegistry, type DiscoveryOptions } from './registry.js';
export type { DriverEntry } from './entry.js';
export { suggestedPackage } from './errors.js';
export { PREFERENCE_RULE, compareVersions } from './preference.js';
export { resolveExport } from './exports.js';
export { locatePackage } from './candidates.js';
