// The files of a driver directory that `driver add|remove` change: its
// package.json (whose dependencies are the installed drivers) and
// removed.json (which type a removed driver provided, so that a service
// still using it is told which package to add back). Both are replaced
// atomically: a crash leaves the old file or the new one, never half.
import { CapsuleError } from '@capsule/core/errors';
import { atomicWrite } from '@capsule/config/atomic';
import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const OWNER_FILE = 'package.json';
export const REMOVED_FILE = 'removed.json';

/** What a removed driver provided, by group.type (or group). */
export type RemovedDrivers = Record<string, { package: string; version: string }>;

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Replaced atomically (packages/config's write: exclusive temp, fsync, rename, fsync of the directory). */
export function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  return atomicWrite(file, JSON.stringify(value, null, 2) + '\n');
}

/** A stage or trash this old was left by an add or remove that died: none runs that long (they hold the driver lock). */
export const STALE_STAGE_MS = 60 * 60 * 1000;

/** Removes the `.add-*` and `.remove-*` directories of interrupted adds and removes. */
export async function removeStaleStages(dir: string, now = Date.now()): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names.filter((n) => /^\.(add|remove)-/.test(n))) {
    const s = await lstat(join(dir, n)).catch(() => undefined);
    if (s && now - s.mtimeMs > STALE_STAGE_MS) await rm(join(dir, n), { recursive: true, force: true });
  }
}

/** The driver directory's package.json; a fresh one when there is none yet. */
export async function readOwner(dir: string): Promise<Record<string, unknown>> {
  const file = join(dir, OWNER_FILE);
  const text = await readText(file);
  if (text === undefined) return { name: 'capsule-drivers', private: true, description: 'drivers installed by `nodemgr driver add`', dependencies: {} };
  try {
    const pkg: unknown = JSON.parse(text);
    if (pkg && typeof pkg === 'object' && !Array.isArray(pkg)) return pkg as Record<string, unknown>;
  } catch {
    // said below
  }
  throw new CapsuleError('DriverPackageInvalid', `${file} is not a JSON object: the drivers it lists cannot be changed`, {
    hint: `fix it by hand: it lists the installed drivers as "dependencies" (\`nodemgr driver list\` shows what is read from it)`,
    details: { file },
  });
}

export const ownerDependencies = (owner: Record<string, unknown>): Record<string, string> => {
  const d = owner['dependencies'];
  return d && typeof d === 'object' && !Array.isArray(d) ? { ...(d as Record<string, string>) } : {};
};

/** Tolerant: a broken removed.json only costs the hint naming the package to add back. */
export async function readRemoved(dir: string): Promise<RemovedDrivers> {
  const text = await readText(join(dir, REMOVED_FILE)).catch(() => undefined);
  if (text === undefined) return {};
  try {
    const raw: unknown = JSON.parse(text);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
    const out: RemovedDrivers = {};
    for (const [key, v] of Object.entries(raw)) {
      const r = v as { package?: unknown; version?: unknown } | null;
      if (typeof r?.package === 'string') out[key] = { package: r.package, version: typeof r.version === 'string' ? r.version : '' };
    }
    return out;
  } catch {
    return {};
  }
}
