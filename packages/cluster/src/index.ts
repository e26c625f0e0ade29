// Public API of @capsule/cluster.
export * from './view.js';
export * from './policy.js';
export * from './quorum.js';
export * from './membership.js';
export * from './orchestrator.js';
export { simulate, parseCmdlist, ScenarioCluster, type ScenarioEvent, type SimResult } from './sim.js';
