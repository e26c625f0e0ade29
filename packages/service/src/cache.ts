// Reads the cached status without the schema library: the file is written
// by this agent after schema validation, so a version check is enough here.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceStatus } from './status-schema.js';

export const STATUS_CACHE_VERSION = 1;

/** The cached status, if present and of this version. */
export async function readStatusCache(varDir: string): Promise<ServiceStatus | undefined> {
  try {
    const s = JSON.parse(await readFile(join(varDir, 'status.json'), 'utf8')) as Partial<ServiceStatus>;
    return s.version === STATUS_CACHE_VERSION && typeof s.overall === 'string' && s.resources ? (s as ServiceStatus) : undefined;
  } catch {
    return undefined;
  }
}
