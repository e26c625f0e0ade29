// Reads the cached status without the schema library (the cached path of
// `print status` must stay cheap to load). The file is written by this agent,
// but a crash, a hand edit or another version may have left anything there:
// a hand-written structural check stands in for the schema, and anything
// that fails it is no cache at all (the caller recomputes).
import { STATUSES } from '@capsule/core/status';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceStatus } from './status-schema.js';

export const STATUS_CACHE_VERSION = 1;

const STATUS_SET: ReadonlySet<unknown> = new Set(STATUSES);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStatus = (v: unknown) => STATUS_SET.has(v);
const isStringList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
const everyValue = (v: unknown, check: (x: unknown) => boolean) => isObject(v) && Object.values(v).every(check);

function isResourceEntry(r: unknown): boolean {
  return (
    isObject(r) &&
    typeof r['rid'] === 'string' &&
    typeof r['group'] === 'string' &&
    isStatus(r['status']) &&
    typeof r['label'] === 'string' &&
    typeof r['flags'] === 'string' &&
    isStringList(r['log']) &&
    typeof r['standby'] === 'boolean' &&
    isStringList(r['tags'])
  );
}

function isEncapEntry(e: unknown): boolean {
  return isObject(e) && typeof e['guest'] === 'string' && isStatus(e['overall']) && isStatus(e['avail']) && everyValue(e['resources'], isResourceEntry);
}

/** The shape `print status` and `status` rely on; what the schema checks, minus strictness. */
export function isServiceStatus(s: unknown): s is ServiceStatus {
  return (
    isObject(s) &&
    s['version'] === STATUS_CACHE_VERSION &&
    typeof s['svcname'] === 'string' &&
    typeof s['nodename'] === 'string' &&
    (s['level'] === 'hypervisor' || s['level'] === 'encap') &&
    typeof s['frozen'] === 'boolean' &&
    isStatus(s['overall']) &&
    isStatus(s['avail']) &&
    everyValue(s['groups'], isStatus) &&
    everyValue(s['resources'], isResourceEntry) &&
    everyValue(s['encap'], isEncapEntry) &&
    typeof s['updated'] === 'string' &&
    !Number.isNaN(Date.parse(s['updated']))
  );
}

/** The cached status, if present, of this version and well-formed. */
export async function readStatusCache(varDir: string): Promise<ServiceStatus | undefined> {
  try {
    const s: unknown = JSON.parse(await readFile(join(varDir, 'status.json'), 'utf8'));
    return isServiceStatus(s) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a cached status computed at `updated` may still be served; a time in the future (clock stepped back) may not. */
export function isFresh(updated: string, configMtimeMs: number | undefined, ttlMs: number, now = Date.now()): boolean {
  const at = Date.parse(updated);
  return configMtimeMs !== undefined && at > configMtimeMs && at <= now && now - at < ttlMs;
}
