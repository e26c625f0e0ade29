// Gathers the status of every resource in parallel, each bounded by a
// timeout that also kills the check's commands, and folds it into a json
// status (cached on disk).
import { isCapsuleError, renderFlags, STATUSES, systemClock, type Logger, type ResourceStatus, type Status } from '@capsule/core';
import { atomicWrite } from '@capsule/config';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { aggregate } from './aggregate.js';
import { contextFor, withDeadline, type Runtime } from './context.js';
import { liveMigrating } from './marker.js';
import type { Service, ServiceResource } from './model.js';
import { STATUS_CACHE_VERSION } from './cache.js';
import type { EncapStatus, ResourceStatusEntry, ServiceStatus } from './status-schema.js';

export const DEFAULT_STATUS_TIMEOUT_MS = 15_000;

export function entryBase(r: ServiceResource): Omit<ResourceStatusEntry, 'status' | 'label' | 'log'> {
  return { rid: r.rid, group: r.group, flags: renderFlags(r), standby: r.standby, tags: r.tags, ...(r.subset ? { subset: r.subset } : {}) };
}

/** One resource's status entry, its check bounded by `timeoutMs` (its commands are killed then). */
export async function resourceStatus(r: ServiceResource, rt: Runtime, log: Logger, timeoutMs: number): Promise<ResourceStatusEntry> {
  const base = entryBase(r);
  const res = r.resource;
  if (!res) return { ...base, status: 'n/a', label: '', log: r.disable ? ['# disabled'] : [] };
  let rs: ResourceStatus;
  try {
    rs = await withDeadline(
      timeoutMs,
      (signal) => res.status(contextFor(res, rt, log, signal)),
      () => ({ status: 'undef', log: [`warn: status timed out after ${timeoutMs / 1000}s`] }),
    );
  } catch (e) {
    rs = { status: 'warn', log: [`warn: ${isCapsuleError(e) ? e.message : (e as Error).message}`] };
  }
  rs = checked(rs);
  let status: Status = rs.status;
  if (r.standby && status === 'up') status = 'stdby up';
  if (r.standby && status === 'down') status = 'stdby down';
  let label = '';
  try {
    const l: unknown = res.label();
    label = typeof l === 'string' ? l : '';
  } catch {
    // a label is decoration; its failure must not hide the status
  }
  return { ...base, status, label, log: rs.log };
}

/**
 * A driver's answer as the status needs it: a status value it knows and a
 * log of lines. Anything else is the driver's bug, shown as warn, never
 * passed on to the cache, `json status` or the daemon's view.
 */
function checked(rs: ResourceStatus): ResourceStatus {
  const r = rs as Partial<Record<keyof ResourceStatus, unknown>> | null;
  if (typeof r?.status === 'string' && (STATUSES as readonly string[]).includes(r.status) && Array.isArray(r.log) && r.log.every((l) => typeof l === 'string')) return rs;
  return { status: 'warn', log: [`warn: the driver answered an invalid status: ${JSON.stringify(rs)?.slice(0, 120)}`] };
}

export interface StatusOptions {
  runtime: Runtime;
  log: Logger;
  timeoutMs?: number;
  /** The encapsulated status of each container, or how to gather it (concurrently with the resources). */
  encap?: Record<string, EncapStatus> | (() => Promise<Record<string, EncapStatus>>);
}

export async function computeStatus(svc: Service, o: StatusOptions): Promise<ServiceStatus> {
  const shown = svc.resources.filter((r) => !(svc.level === 'hypervisor' && r.encap));
  const [entries, encap, migrating] = await Promise.all([
    Promise.all(shown.map((r) => resourceStatus(r, o.runtime, o.log, o.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS))),
    typeof o.encap === 'function' ? o.encap() : Promise.resolve(o.encap ?? {}),
    // A marker whose owner is gone marks nothing; the next action removes it.
    liveMigrating(svc.varDir),
  ]);
  const resources = Object.fromEntries(entries.map((e) => [e.rid, e]));
  // Typed, not parsed: the status is built here; tests hold it to the schema.
  return {
    version: STATUS_CACHE_VERSION,
    svcname: svc.svcname,
    nodename: svc.nodename,
    level: svc.level,
    frozen: isFrozen(svc.varDir),
    ...(migrating ? { migrating } : {}),
    ...aggregate(resources, encap),
    resources,
    encap,
    updated: new Date((o.runtime.clock ?? systemClock).now()).toISOString(),
  };
}

export function isFrozen(varDir: string): boolean {
  return existsSync(join(varDir, 'frozen'));
}

export async function writeStatusCache(varDir: string, s: ServiceStatus): Promise<void> {
  await atomicWrite(join(varDir, 'status.json'), JSON.stringify(s) + '\n');
}
