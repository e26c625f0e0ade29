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
/** File names stop at 255 bytes; `.NAME.conf.PID.MS.tmp` needs about 40 of them. */
export const MAX_SVCNAME_LENGTH = 200;

export function servicePaths(root: string, svc: string): ServicePaths {
  if (svc.length > MAX_SVCNAME_LENGTH) {
    throw new CapsuleError('InvalidServiceName', `service name "${svc.slice(0, 40)}..." is ${svc.length} characters long, over the ${MAX_SVCNAME_LENGTH} limit`, {
      hint: `choose a name of at most ${MAX_SVCNAME_LENGTH} characters: it is a file name in etc/capsule`,
    });
  }
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

