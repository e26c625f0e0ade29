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
import { child, LINEAGE_DEPTH } from './lineage.js';

export interface ConfigVersion {
  generation: number;
  /** sha256 of the file, hex. */
  hash: string;
  /** Keys (`generation:hash`) of the versions this one descends from, nearest first (lineage.ts); absent in a record older than lineage. */
  ancestors?: string[];
  /** Keys on this version's line known acknowledged by a majority of the service's nodes (before ballots; kept, unused). */
  acked?: string[];
  /** The ballot this copy was accepted at (ballot.ts); absent: never accepted by a vote. */
  ballot?: string;
}

const KEY = /^\d{1,15}:[0-9a-f]{64}$/;
const keyList = (v: unknown) => (Array.isArray(v) && v.length <= 4 * LINEAGE_DEPTH && v.every((k) => typeof k === 'string' && KEY.test(k)) ? (v as string[]) : undefined);

/** Another agent's or a record's version, or undefined: read from outside, so checked field by field. */
export function asConfigVersion(v: unknown): ConfigVersion | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { generation, hash, ancestors, acked, ballot } = v as Record<string, unknown>;
  if (!Number.isSafeInteger(generation) || (generation as number) < 0) return undefined;
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
  const out: ConfigVersion = { generation: generation as number, hash };
  if (ancestors !== undefined) {
    const a = keyList(ancestors);
    if (!a) return undefined;
    out.ancestors = a.slice(0, LINEAGE_DEPTH);
  }
  if (acked !== undefined) {
    const a = keyList(acked);
    if (!a) return undefined;
    out.acked = a.slice(0, LINEAGE_DEPTH);
  }
  if (ballot !== undefined) {
    if (typeof ballot !== 'string' || !/^\d{1,15}\.[^\s]{0,255}$/.test(ballot)) return undefined;
    out.ballot = ballot;
  }
  return out;
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
  const v = child(rec, hash);
  await recordVersion(varDir, v);
  return v;
}

/**
 * The version of the file as it is now, read without the lock and without
 * recording anything (a hand edit reads as the next generation): for
 * readers such as the daemon, which must never write a record a writer
 * holding the lock is about to write.
 */
export async function peekVersion(configFile: string, varDir: string): Promise<ConfigVersion | undefined> {
  const bytes = await readFile(configFile).catch(() => undefined);
  if (!bytes) return undefined;
  const hash = contentHash(bytes);
  const rec = await readRecord(varDir);
  return rec?.hash === hash ? rec : child(rec, hash);
}
