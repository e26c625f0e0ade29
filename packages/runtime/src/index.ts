// Public API of @capsule/runtime. Light commands import the subpaths
// (`/node`, `/discovery`, `/daemon`, `/agent-lock`, `/services`): this index loads the service engine.
export * from './node.js';
export * from './discovery.js';
export * from './daemon.js';
export * from './agent-lock.js';
export * from './drivers.js';
export * from './services.js';
export * from './load.js';
