// `json status`, version 1: what `svcmgr -s SVC json status` prints and what
// a hypervisor reads from each guest. Strict and versioned: guests and
// hypervisors may run different capsule versions.
import { STATUSES } from '@capsule/core/status';
import { z } from 'zod';

import { STATUS_CACHE_VERSION } from './cache.js';

export const STATUS_SCHEMA_VERSION = STATUS_CACHE_VERSION;
const Status = z.enum(STATUSES);

export const ResourceStatusEntry = z.strictObject({
  rid: z.string(),
  group: z.string(),
  status: Status,
  label: z.string(),
  /** The 4-character flags column: M D O E. */
  flags: z.string().length(4),
  log: z.array(z.string()),
  standby: z.boolean(),
  tags: z.array(z.string()),
  subset: z.string().optional(),
});
export type ResourceStatusEntry = z.infer<typeof ResourceStatusEntry>;

/** What the hypervisor knows of one container's encapsulated service. */
export const EncapStatus = z.strictObject({
  /** Node name of the guest. */
  guest: z.string(),
  overall: Status,
  avail: Status,
  resources: z.record(z.string(), ResourceStatusEntry),
  /** Why the guest was not asked or did not answer. */
  error: z.string().optional(),
  /** Farmed-failover: the guest that runs the encapsulated service, as this guest's daemon sees it; this container is its standby. */
  elsewhere: z.string().optional(),
});
export type EncapStatus = z.infer<typeof EncapStatus>;

export const ServiceStatus = z.strictObject({
  version: z.literal(STATUS_SCHEMA_VERSION),
  svcname: z.string(),
  nodename: z.string(),
  level: z.enum(['hypervisor', 'encap']),
  frozen: z.boolean(),
  /** Set while a live migration moves the service: no orchestrator fails it over meanwhile. */
  migrating: z.strictObject({ to: z.string(), since: z.string() }).optional(),
  overall: Status,
  avail: Status,
  /** Status of each group present: ip, disk, fs, share, container, app, sync, task, hb. */
  groups: z.record(z.string(), Status),
  resources: z.record(z.string(), ResourceStatusEntry),
  /** Keyed by container rid; only at the hypervisor level of an encapsulated service. */
  encap: z.record(z.string(), EncapStatus),
  /** ISO 8601 time the status was computed. */
  updated: z.string(),
  /** The admin's target on this node (target.json): `svcmgr start` sets it started, `stop` stopped; absent when never set. */
  target: z.strictObject({ target: z.enum(['started', 'stopped']), generation: z.number().int().nonnegative(), at: z.string(), by: z.string() }).optional(),
  /** A failover service down here and held by another node, as this node's daemon sees it (what a hypervisor above reads as a standby). */
  elsewhere: z.string().optional(),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;

/**
 * What a hypervisor accepts from a guest (or a node from a peer): the same
 * major version, unknown fields ignored, so that a rolling upgrade does not
 * turn every guest undef. What capsule prints stays strict (ServiceStatus).
 */
export const ReceivedResourceEntry = ResourceStatusEntry.loose();
export const ReceivedStatus = z
  .object({
    version: z.literal(STATUS_SCHEMA_VERSION),
    overall: Status,
    avail: Status,
    resources: z.record(z.string(), z.object({ rid: z.string(), status: Status, label: z.string().default(''), log: z.array(z.string()).default([]) }).loose()),
  })
  .loose();
export type ReceivedStatus = z.infer<typeof ReceivedStatus>;
