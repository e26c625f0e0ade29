// Public API of @capsule/cluster.
export * from './view.js';
export * from './policy.js';
export * from './quorum.js';
export * from './membership.js';
export * from './orchestrator.js';
export { simulate, parseCmdlist, formatCmdlist, ScenarioCluster, EVENTS, type ScenarioEvent, type SimResult, type SimTick } from './sim.js';
export { clusterConfig, type ClusterConfig, type HbConfig, type ArbitratorConfig } from './config.js';
export { checkNodeConfig, type NodeIssue, type CheckOptions } from './node-check.js';
export { NODE_SECTIONS, nodeSection, nodeKeyword, keywordDefault, splitNodeKey, type NodeSections, type NodeSectionSpec, type NodeKeyword, type DefaultAt } from './node-keywords.js';
export { encodeHeartbeat, decodeHeartbeat, ReplayGuard, newCounters, HeartbeatMessage, type HeartbeatCounters, type RejectReason, type DecodeContext } from './hb/codec.js';
export { unicastLink, type HeartbeatLink } from './hb/unicast.js';
export { multicastLink, DEFAULT_GROUP } from './hb/multicast.js';
export { linkFor } from './hb/link.js';
export { HeartbeatBackend, monotonicMs, type HeartbeatBackendOptions } from './hb/backend.js';
export type { ClusterBackend, Membership, PeerState, PublishedView } from './backend.js';
export { arbitratorServer, askArbitrator, type ArbitratorServerOptions } from './arbitrator.js';
export { selfFence, decidesQuorum, type RunningCluster, type SelfFence } from './self-fence.js';
export { formerNodes, replicationMaster, staleCopies } from './replication.js';
