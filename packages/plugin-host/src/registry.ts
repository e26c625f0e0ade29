// The driver registry: discovery (manifests only), lookup by group/type, and
// lazy, cached, validated import of a driver's code on first use.
import type { DriverDefinition, KeywordSpec } from '@capsule/core';
import { isCapsuleError } from '@capsule/core/errors';
import { platformOf, type DriverCapabilities, type Platform } from '@capsule/core/manifest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findCandidates } from './candidates.js';
import { readRemoved, type RemovedDrivers } from './driver-dir.js';
import { toEntry, type DriverEntry } from './entry.js';
import { driverBroken, driverIncompatible, driverNotInstalled } from './errors.js';
import { resolveExport, type ExportsField } from './exports.js';
import { checkKeywords } from './keywords.js';
import { byPreference } from './preference.js';

export interface DiscoveryOptions {
  /** Directory of the app's package.json; its dependencies are candidates. */
  appRoot?: string;
  /** `$CAPSULE_ROOT`; its `usr/lib/capsule/drivers` is the default driver directory. */
  capsuleRoot?: string;
  /** Extra driver directories, searched after the default one. */
  driverDirs?: string[];
  platform?: Platform;
  /**
   * Export conditions used to pick a driver's entry file. Tests pass
   * `@capsule/source` so workspace drivers load from their TypeScript sources.
   */
  conditions?: string[];
  /** How long a driver module may take to import; CAPSULE_DRIVER_IMPORT_TIMEOUT (seconds), 10 s by default. */
  importTimeoutMs?: number;
}

const DEFAULT_CONDITIONS = ['import', 'node'];
const DEFAULT_IMPORT_TIMEOUT_MS = 10_000;

function importTimeoutMs(options: DiscoveryOptions): number {
  return options.importTimeoutMs ?? DEFAULT_IMPORT_TIMEOUT_MS;
}

/**
 * Rejects when `p` has not settled within `ms`. The timer keeps the process
 * alive on purpose: an import that never settles and holds nothing would
 * otherwise end the process silently (exit 13, unsettled top-level await).
 */
function within<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function defaultDriverDir(capsuleRoot: string): string {
  return join(capsuleRoot, 'usr/lib/capsule/drivers');
}

export class DriverRegistry {
  private readonly loaded = new Map<string, Promise<DriverDefinition>>();

  constructor(
    private readonly entries: DriverEntry[],
    readonly driverDirs: readonly string[],
    private readonly conditions: readonly string[],
    private readonly importTimeoutMs = DEFAULT_IMPORT_TIMEOUT_MS,
    /** Types whose driver `nodemgr driver remove` took away, to name it in DriverNotInstalled. */
    private readonly removed: RemovedDrivers = {},
  ) {}

  list(): DriverEntry[] {
    return [...this.entries];
  }

  /** The providers of `key` (group or group.type), the one that serves it first (see preference.ts). */
  providers(key: string): DriverEntry[] {
    const all = this.entries.filter((e) => e.provides.includes(key)).sort(byPreference);
    return [...all.filter((e) => e.compatible), ...all.filter((e) => !e.compatible)];
  }

  /** `group.type` first, then the group's default driver; compatible entries win over incompatible ones. */
  resolve(group: string, type?: string): DriverEntry {
    const keys = type ? [`${group}.${type}`, group] : [group];
    for (const key of keys) {
      const [first] = this.providers(key);
      if (first?.compatible) return first;
      if (first) throw driverIncompatible(first, group, type);
    }
    // A package that could not be read may be the one missing: say so.
    const unreadable = this.entries.filter((e) => !e.compatible && e.provides.length === 0);
    throw driverNotInstalled(group, type, this.driverDirs, unreadable, this.removed);
  }

  /** Imports the driver's code (once) and checks it is what the manifest promised. */
  async load(group: string, type?: string): Promise<DriverDefinition> {
    const entry = this.resolve(group, type);
    let p = this.loaded.get(entry.name);
    if (!p) {
      p = this.importDriver(entry);
      this.loaded.set(entry.name, p);
    }
    return p;
  }

  /** The driver's code and its manifest's capabilities: what the service engine binds resources with. */
  async loadDriver(group: string, type?: string): Promise<{ definition: DriverDefinition; capabilities: DriverCapabilities }> {
    const definition = await this.load(group, type);
    return { definition, capabilities: this.resolve(group, type).manifest?.capabilities ?? {} };
  }

  /** Keyword specs only: imports the manifest's `keywords` subpath, not the driver. */
  async loadKeywords(group: string, type?: string): Promise<KeywordSpec[]> {
    const entry = this.resolve(group, type);
    const subpath = entry.manifest?.keywords;
    if (!subpath) return [...(await this.load(group, type)).keywords];
    const { mod, file } = await this.importSubpath(entry, subpath);
    return checkKeywords(entry, file, mod['keywords']);
  }

  private async importSubpath(entry: DriverEntry, subpath: string): Promise<{ mod: Record<string, unknown>; file: string }> {
    const rel = resolveExport(entry.pkg as { exports?: ExportsField; main?: string }, subpath, this.conditions);
    if (!rel) throw driverBroken(entry, `its package.json exports no "${subpath}" entry`);
    const file = join(entry.dir, rel);
    try {
      const mod = await within(import(pathToFileURL(file).href) as Promise<Record<string, unknown>>, this.importTimeoutMs, () =>
        driverBroken(entry, `importing ${file} did not finish within ${this.importTimeoutMs / 1000} s`),
      );
      return { mod, file };
    } catch (e) {
      if (isCapsuleError(e)) throw e;
      throw driverBroken(entry, `importing ${file} failed: ${(e as Error).message}`, e);
    }
  }

  private async importDriver(entry: DriverEntry): Promise<DriverDefinition> {
    const { mod, file } = await this.importSubpath(entry, '.');
    const { driverDefinitionProblems } = await import('@capsule/core');
    const problems = driverDefinitionProblems(mod['default']);
    if (problems.length) {
      const why = problems.join('; ');
      throw driverBroken(entry, `the default export of ${file} is not a capsule driver (${why})`);
    }
    const def = mod['default'] as DriverDefinition;
    const unprovided = def.provides.filter((p) => !entry.provides.includes(p));
    if (unprovided.length) throw driverBroken(entry, `the module provides ${unprovided.join(', ')}, which its manifest does not declare`);
    return def;
  }
}

/** Reads every candidate's manifest in parallel; never imports driver code. */
export async function discoverDrivers(options: DiscoveryOptions = {}): Promise<DriverRegistry> {
  const root = options.capsuleRoot ?? '/';
  const driverDirs = [defaultDriverDir(root), ...(options.driverDirs ?? [])];
  const platform = options.platform ?? platformOf(process.platform);
  const [candidates, removed] = await Promise.all([findCandidates(options.appRoot, driverDirs), readRemoved(driverDirs[0]!)]);
  const entries = candidates.map((c) => toEntry(c, platform)).filter((e): e is DriverEntry => e !== undefined);
  return new DriverRegistry(entries, driverDirs, [...(options.conditions ?? []), ...DEFAULT_CONDITIONS], importTimeoutMs(options), removed);
}
