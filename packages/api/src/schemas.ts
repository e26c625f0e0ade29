// The API's requests and responses (v1). Responses are what the agent
// sends; the CLI, the web page and scripts parse them with these schemas.
import { InstanceView } from '@capsule/cluster';
import { ServiceStatus } from '@capsule/service/status-schema';
import { z } from 'zod';

export const API_VERSION = 'v1';

/** Every error: a code from capsule's catalogue (or HTTP's own), what happened, what to do. */
export const ApiError = z.object({
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }),
});
export type ApiError = z.infer<typeof ApiError>;

export const ClusterNode = z.object({
  name: z.string(),
  /** In this node's partition (heard, or present in etcd). */
  alive: z.boolean(),
  frozen: z.boolean(),
  /** Why it is not alive. */
  reason: z.string().optional(),
});

export const ClusterService = z.object({
  topology: z.enum(['failover', 'flex']),
  orchestrate: z.enum(['no', 'start', 'ha']),
  nodes: z.array(z.string()),
  /** The administrator's target, newest known cluster-wide. */
  target: z.enum(['started', 'stopped']).optional(),
  /** The nodes holding it now (up, warn, starting or stopping). */
  placement: z.array(z.string()),
  /** Every alive node's instance as it published it. */
  instances: z.record(z.string(), InstanceView),
});

/** GET /api/v1/cluster: the cluster as this node's agent sees it. */
export const ClusterResponse = z.object({
  node: z.string(),
  cluster: z.string(),
  backend: z.enum(['hb', 'etcd']),
  quorum: z.object({ quorum: z.boolean(), reason: z.string() }),
  /** This node has listened long enough to have heard its peers. */
  ready: z.boolean(),
  nodes: z.array(ClusterNode),
  services: z.record(z.string(), ClusterService),
});
export type ClusterResponse = z.infer<typeof ClusterResponse>;

/** GET /api/v1/services/{svc}/status: `svcmgr -s SVC json status`, encapsulated status folded under each container. */
export const StatusResponse = ServiceStatus;

export const ConfigResponse = z.object({
  service: z.string(),
  /** The service file as written, secrets included only for the admin role (else masked). */
  text: z.string(),
  csum: z.string(),
});
export type ConfigResponse = z.infer<typeof ConfigResponse>;

export const LogResponse = z.object({
  service: z.string(),
  /** The newest lines of the service log, oldest first. */
  lines: z.array(z.string()),
});
export type LogResponse = z.infer<typeof LogResponse>;

export const ACTIONS = ['start', 'stop', 'switch', 'freeze', 'thaw'] as const;
export type Action = (typeof ACTIONS)[number];

/** POST /api/v1/services/{svc}/actions/{action}: `to` is switch's destination (required there, refused elsewhere). */
export const ActionRequest = z.strictObject({
  to: z.string().min(1).max(255).optional(),
});
export type ActionRequest = z.infer<typeof ActionRequest>;

/** 202: the action runs; its progress and its end come as events with this id. */
export const ActionAccepted = z.object({
  id: z.string(),
  service: z.string(),
  action: z.enum(ACTIONS),
});
export type ActionAccepted = z.infer<typeof ActionAccepted>;
