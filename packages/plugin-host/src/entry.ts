// Turns a candidate's package.json into a registry entry: is it a driver,
// and if so, can this host use it (API version, platform)?
import { API_VERSION, DriverManifest, runsOn, type Platform } from '@capsule/core/manifest';
import { join } from 'node:path';
import type { Candidate, CandidateSource } from './candidates.js';

export interface DriverEntry {
  name: string;
  version: string;
  dir: string;
  source: CandidateSource;
  provides: string[];
  platforms: string[];
  compatible: boolean;
  /** Why not compatible. */
  reason?: string;
  manifest?: DriverManifest;
  pkg: Record<string, unknown>;
}

/**
 * undefined when the package is not a driver at all (no "capsule" field).
 * A package whose package.json cannot be read is listed as unusable: it may
 * well be the driver a service is missing.
 */
export function toEntry(c: Candidate, platform: Platform | undefined): DriverEntry | undefined {
  const raw = c.pkg['capsule'];
  if (raw === undefined && c.problem === undefined) return undefined;
  const base = {
    name: c.name,
    version: typeof c.pkg['version'] === 'string' ? c.pkg['version'] : '0.0.0',
    dir: c.dir,
    source: c.source,
    pkg: c.pkg,
  };
  if (c.problem !== undefined) return { ...base, provides: [], platforms: [], compatible: false, reason: c.problem };
  const parsed = DriverManifest.safeParse(raw);
  if (!parsed.success) {
    const r = (raw && typeof raw === 'object' ? raw : {}) as Partial<Record<string, unknown>>;
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'capsule'}: ${i.message}`).join('; ');
    return { ...base, provides: list(r['provides']), platforms: list(r['platforms']), compatible: false, reason: `invalid "capsule" manifest in ${join(c.dir, 'package.json')} (${why})` };
  }
  const m = parsed.data;
  const entry = { ...base, provides: m.provides, platforms: m.platforms, manifest: m };
  if (m.apiVersion !== API_VERSION) {
    return { ...entry, compatible: false, reason: `driver API version ${m.apiVersion}, this capsule speaks ${API_VERSION}` };
  }
  if (!runsOn(m, platform)) {
    return { ...entry, compatible: false, reason: `runs on ${m.platforms.join(', ')}, not ${platform ?? 'this platform'}` };
  }
  return { ...entry, compatible: true };
}
