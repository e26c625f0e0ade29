// Which copy of a service config wins between nodes and levels: a
// generation, incremented by every accepted edit, plus the content hash.
// Clocks are not compared: between nodes they skew, and "newer mtime wins"
// would roll an edit back. The record lives beside the state files; a hand
// edit (the hash no longer matches the record) counts as a new generation.
import { CapsuleError } from '@capsule/core';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { atomicWrite } from './atomic.js';

export const ConfigVersion = z.object({
  generation: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 hex digest'),
});
export type ConfigVersion = z.infer<typeof ConfigVersion>;

export type SyncDecision = 'in sync' | 'fetch' | 'push' | 'conflict';

export function contentHash(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Pure: what to do between this copy and another one (undefined: the other side has none). */
export function decideSync(local: ConfigVersion, remote: ConfigVersion | undefined): SyncDecision {
  if (!remote) return 'push';
  if (remote.hash === local.hash) return 'in sync';
  if (remote.generation > local.generation) return 'fetch';
  if (remote.generation < local.generation) return 'push';
  // Same generation, different content: two edits from one ancestor. Never resolved silently.
  return 'conflict';
}

/** Parses another agent's `print config version` answer; garbage is a named error, never a version. */
export function parseVersion(text: string, from: string): ConfigVersion {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const r = ConfigVersion.safeParse(body);
  if (!r.success) {
    throw new CapsuleError('ConfigVersionInvalid', `${from} answered an invalid config version: ${JSON.stringify(text.slice(0, 80))}`, {
      hint: `check the capsule agent of ${from}`,
    });
  }
  return r.data;
}

const recordFile = (varDir: string) => join(varDir, 'config.version');

async function readRecord(varDir: string): Promise<ConfigVersion | undefined> {
  const text = await readFile(recordFile(varDir), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const r = ConfigVersion.safeParse((() => {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  })());
  return r.success ? r.data : undefined;
}

export async function recordVersion(varDir: string, v: ConfigVersion): Promise<void> {
  await atomicWrite(recordFile(varDir), JSON.stringify(v) + '\n');
}

/**
 * The version of the file as it is now. Call under the config lock: a hand
 * edit found here is recorded as the next generation, so that two hand
 * edits in a row are two generations.
 */
export async function currentVersion(configFile: string, varDir: string): Promise<ConfigVersion | undefined> {
  const bytes = await readFile(configFile).catch(() => undefined);
  if (!bytes) return undefined;
  const hash = contentHash(bytes);
  const rec = await readRecord(varDir);
  if (rec?.hash === hash) return rec;
  const v = { generation: rec ? rec.generation + 1 : 1, hash };
  await recordVersion(varDir, v);
  return v;
}
