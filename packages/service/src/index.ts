// Public API of @capsule/service.
export type { Service, ServiceResource, Level } from './model.js';
export { specOf, levelOf, brokenSections, type ServiceSpec, type ResourceSpec, type ServiceRelations } from './spec.js';
export { buildService, bindDrivers, type DriverSource, type LoadedDriver, type BuildOptions } from './build.js';
export { contextFor, withDeadline, boundExec, type Runtime } from './context.js';
export { runOnPeer, type Peer, type Peers } from './migrate.js';
export { readMigrating, liveMigrating, markerOwner, clearStaleMigrating, parseMigrating, migratingFile, writeMigrating, type MigratingState, type MigratingMarker } from './marker.js';
export { openService, type OpenOptions } from './open.js';
export { checkPlacement } from './placement.js';
export { runAction, ACTIONS, SUB_ACTIONS, type ActionOptions, type EncapChain } from './actions.js';
export { plan, select, checkSelection, type Selection, type Verb } from './order.js';
export { acquireLock, type LockOptions } from '@capsule/config';
export { ServiceLog } from './log.js';
export { disposeService, DISPOSE_TIMEOUT_MS } from './dispose.js';
export { readStatusCache, isServiceStatus, isFresh } from './cache.js';
export { computeStatus, resourceStatus, writeStatusCache, isFrozen, DEFAULT_STATUS_TIMEOUT_MS, type StatusOptions } from './status.js';
export { aggregate } from './aggregate.js';
export { renderStatusTree } from './tree.js';
// The zod schemas are at @capsule/service/status-schema: loading zod is for who validates a document.
export type { ServiceStatus, EncapStatus, ResourceStatusEntry, ReceivedStatus } from './status-schema.js';
export { STATUS_CACHE_VERSION as STATUS_SCHEMA_VERSION } from './cache.js';
export { START_ORDER, AVAIL_GROUPS, ACCESSORY_GROUPS } from './groups.js';
export { encapChain, resolveTargets, CHAINED_ACTIONS, type LevelFlags, type Targets } from './encap/chain.js';
export { encapStatuses, foldGuestStatus } from './encap/status.js';
export { syncConfig, type SyncResult } from './encap/config-sync.js';
export { Guest, guestsOf, sanitize, type GuestCall } from './encap/guest.js';
export { switchEncapsulated } from './encap/switch.js';
export { hypervisorChanges, heldGuestConfig, releaseGuestConfig, heldWarning, type HeldConfig, type ViewChange } from './encap/guest-config.js';
