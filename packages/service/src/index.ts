// Public API of @capsule/service.
export type { Service, ServiceResource, Level } from './model.js';
export { buildService, levelOf, type DriverSource, type BuildOptions } from './build.js';
export { openService, type OpenOptions } from './open.js';
export { checkPlacement } from './placement.js';
export { runAction, ACTIONS, SUB_ACTIONS, type ActionOptions, type EncapChain } from './actions.js';
export { plan, select, checkSelection, type Selection, type Verb } from './order.js';
export { acquireLock, type LockOptions } from './lock.js';
export { ServiceLog } from './log.js';
export { readStatusCache, isServiceStatus, isFresh } from './cache.js';
export { computeStatus, writeStatusCache, isFrozen, DEFAULT_STATUS_TIMEOUT_MS, type StatusOptions } from './status.js';
export { aggregate } from './aggregate.js';
export { renderStatusTree } from './tree.js';
export { ServiceStatus, EncapStatus, ResourceStatusEntry, STATUS_SCHEMA_VERSION } from './status-schema.js';
export { START_ORDER, AVAIL_GROUPS, ACCESSORY_GROUPS } from './groups.js';
export { encapChain, resolveTargets, CHAINED_ACTIONS, type LevelFlags, type Targets } from './encap/chain.js';
export { encapStatuses } from './encap/status.js';
export { syncConfig, type SyncResult } from './encap/config-sync.js';
export { Guest, guestsOf } from './encap/guest.js';
