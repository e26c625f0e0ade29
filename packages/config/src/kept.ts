// Copies of the service file that another copy superseded on this node (a
// diverged edit that lost by the lineage rule): kept under the state
// directory, shown by `print status`, installed again by
// `svcmgr sync --accept ID` or forgotten by `sync --dismiss`. A branch is
// never dropped without a trace.
// Light on purpose (node:fs only): `print status` lists kept copies from the zod-free path.
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import type { ServicePaths } from './paths.js';
import type { ConfigVersion } from './version.js';

export interface KeptCopy {
  /** `GENERATION-HASH12`: what `sync --accept` takes. */
  id: string;
  version: ConfigVersion;
  /** The node whose copy replaced it, and that copy's generation. */
  by: string;
  byGeneration: number;
  /** ms since the epoch, this node's clock (informative). */
  at: number;
  file: string;
}

const dirOf = (paths: ServicePaths) => join(paths.varDir, 'kept');
const idOf = (v: Pick<ConfigVersion, 'generation' | 'hash'>) => `${v.generation}-${v.hash.slice(0, 12)}`;

/** A state file: written whole then renamed, never through a symlink planted in its place. */
async function writeKept(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, constants.O_CREAT | constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

const isVersion = (v: unknown): v is ConfigVersion => {
  const r = v as Record<string, unknown> | null;
  return typeof r === 'object' && r !== null && Number.isSafeInteger(r['generation']) && typeof r['hash'] === 'string' && /^[0-9a-f]{64}$/.test(r['hash']);
};

export async function keepCopy(paths: ServicePaths, text: string | Uint8Array, version: ConfigVersion, by: { node: string; version: ConfigVersion; at: number }): Promise<KeptCopy> {
  const dir = dirOf(paths);
  await mkdir(dir, { recursive: true });
  const id = idOf(version);
  const file = join(dir, `${id}.conf`);
  // The bytes as they were: `sync --accept` must bring back the very content (and hash) kept.
  await writeKept(file, typeof text === 'string' ? Buffer.from(text) : text);
  const kept = { id, version, by: by.node, byGeneration: by.version.generation, at: by.at, file };
  await writeKept(join(dir, `${id}.json`), JSON.stringify(kept) + '\n');
  return kept;
}

/** The kept copies, oldest first; a record that does not parse is skipped, its file stays for an administrator. */
export async function listKept(paths: ServicePaths): Promise<KeptCopy[]> {
  const dir = dirOf(paths);
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: KeptCopy[] = [];
  for (const n of names.filter((x) => x.endsWith('.json'))) {
    try {
      const r = JSON.parse(await readFile(join(dir, n), 'utf8')) as Record<string, unknown>;
      const version = r['version'];
      const id = n.slice(0, -'.json'.length);
      if (!isVersion(version) || idOf(version) !== id || typeof r['by'] !== 'string' || typeof r['at'] !== 'number') continue;
      out.push({ id, version, by: r['by'], byGeneration: Number(r['byGeneration']) || 0, at: r['at'], file: join(dir, `${id}.conf`) });
    } catch {
      continue;
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

export async function dropKept(paths: ServicePaths, ids?: readonly string[]): Promise<void> {
  for (const k of await listKept(paths)) {
    if (ids && !ids.includes(k.id)) continue;
    await rm(join(dirOf(paths), `${k.id}.json`), { force: true });
    await rm(k.file, { force: true });
  }
}
