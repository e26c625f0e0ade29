// Which copy of a service config wins between nodes and levels: a
// generation, incremented by every accepted edit, plus the content hash.
// Clocks are not compared: between nodes they skew, and "newer mtime wins"
// would roll an edit back. The record lives beside the state files; a hand
// edit (the hash no longer matches the record) counts as a new generation.
import { CapsuleError } from '@capsule/core';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from './atomic.js';

export interface ConfigVersion {
  generation: number;
  /** sha256 of the file, hex. */
  hash: string;
}

/** Another agent's or a record's version, or undefined: read from outside, so checked field by field. */
export function asConfigVersion(v: unknown): ConfigVersion | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { generation, hash } = v as Record<string, unknown>;
  if (!Number.isSafeInteger(generation) || (generation as number) < 0) return undefined;
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
  return { generation: generation as number, hash };
}

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
  const version = asConfigVersion(body);
  if (!version) {
    throw new CapsuleError('ConfigVersionInvalid', `${from} answered an invalid config version: ${JSON.stringify(text.slice(0, 80))}`, {
      hint: `check the capsule agent of ${from}`,
    });
  }
  return version;
}

const recordFile = (varDir: string) => join(varDir, 'config.version');

async function readRecord(varDir: string): Promise<ConfigVersion | undefined> {
  const text = await readFile(recordFile(varDir), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return asConfigVersion(JSON.parse(text));
  } catch {
    return undefined;
  }
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
