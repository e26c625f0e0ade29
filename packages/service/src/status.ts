// Gathers the status of every resource in parallel, each bounded by a
// timeout, and folds it into a json status (cached on disk).
import { isCapsuleError, renderFlags, type ActionContext, type ResourceStatus, type Status } from '@capsule/core';
import { atomicWrite } from '@capsule/config';
import { join } from 'node:path';
import { aggregate } from './aggregate.js';
import type { Service, ServiceResource } from './model.js';
import { ServiceStatus, STATUS_SCHEMA_VERSION, type EncapStatus, type ResourceStatusEntry } from './status-schema.js';
import { existsSync } from 'node:fs';

export const DEFAULT_STATUS_TIMEOUT_MS = 15_000;

async function withTimeout(p: Promise<ResourceStatus>, ms: number): Promise<ResourceStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ResourceStatus>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'undef', log: [`warn: status timed out after ${ms / 1000}s`] }), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function resourceStatus(r: ServiceResource, ctx: ActionContext, timeoutMs: number): Promise<ResourceStatusEntry> {
  const base = {
    rid: r.rid,
    group: r.group,
    flags: renderFlags(r),
    standby: r.standby,
    tags: r.tags,
    ...(r.subset ? { subset: r.subset } : {}),
  };
  if (!r.resource) return { ...base, status: 'n/a', label: '', log: r.disable ? ['# disabled'] : [] };
  let rs: ResourceStatus;
  try {
    rs = await withTimeout(r.resource.status(ctx), timeoutMs);
  } catch (e) {
    rs = { status: 'warn', log: [`warn: ${isCapsuleError(e) ? e.message : (e as Error).message}`] };
  }
  let status: Status = rs.status;
  if (r.standby && status === 'up') status = 'stdby up';
  if (r.standby && status === 'down') status = 'stdby down';
  let label = '';
  try {
    label = r.resource.label();
  } catch {
    // a label is decoration; its failure must not hide the status
  }
  return { ...base, status, label, log: rs.log };
}

export interface StatusOptions {
  ctx: ActionContext;
  timeoutMs?: number;
  /** The encapsulated status of each container, or how to gather it (concurrently with the resources). */
  encap?: Record<string, EncapStatus> | (() => Promise<Record<string, EncapStatus>>);
}

export async function computeStatus(svc: Service, o: StatusOptions): Promise<ServiceStatus> {
  const shown = svc.resources.filter((r) => !(svc.level === 'hypervisor' && r.encap));
  const [entries, encap] = await Promise.all([
    Promise.all(shown.map((r) => resourceStatus(r, o.ctx, o.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS))),
    typeof o.encap === 'function' ? o.encap() : Promise.resolve(o.encap ?? {}),
  ]);
  const resources = Object.fromEntries(entries.map((e) => [e.rid, e]));
  return ServiceStatus.parse({
    version: STATUS_SCHEMA_VERSION,
    svcname: svc.svcname,
    nodename: svc.nodename,
    level: svc.level,
    frozen: isFrozen(svc.varDir),
    ...aggregate(resources, encap),
    resources,
    encap,
    updated: new Date().toISOString(),
  });
}

export function isFrozen(varDir: string): boolean {
  return existsSync(join(varDir, 'frozen'));
}

export async function writeStatusCache(varDir: string, s: ServiceStatus): Promise<void> {
  await atomicWrite(join(varDir, 'status.json'), JSON.stringify(s) + '\n');
}
