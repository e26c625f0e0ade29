// Public API of @capsule/core.
export * from './codes.js';
export * from './errors.js';
export * from './context.js';
export * from './status-values.js';
export * from './flags.js';
export * from './rid.js';
export * from './keywords.js';
export * from './manifest.js';
export * from './driver.js';
export * from './suggest.js';
export { processExists } from './proc.js';
export { MIN_NODE, nodeAtLeast, requireNode } from './engines.js';
