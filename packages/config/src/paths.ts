// Where a service's files live under $CAPSULE_ROOT. Kept free of the schema
// library so the CLI's cached status path stays cheap to load.
import { CapsuleError } from '@capsule/core/errors';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface ServicePaths {
  config: string;
  /** Per-service state: status cache, lock, logs. */
  varDir: string;
}

const SVCNAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function servicePaths(root: string, svc: string): ServicePaths {
  if (!SVCNAME.test(svc) || svc === 'node') {
    throw new CapsuleError('InvalidServiceName', `"${svc}" is not a valid service name`, {
      hint: 'a service name is letters, digits, and . _ - (not "node")',
    });
  }
  return { config: join(root, 'etc/capsule', `${svc}.conf`), varDir: join(root, 'var/lib/capsule', svc) };
}

/** Modification time in ms, or undefined when the file does not exist. */
export async function configMtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

