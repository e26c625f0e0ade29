// The driver registry: discovery (manifests only), lookup by group/type, and
// lazy, cached, validated import of a driver's code on first use.
import { DriverDefinitionSchema, platformOf, type DriverDefinition, type KeywordSpec, type Platform } from '@capsule/core';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findCandidates } from './candidates.js';
import { toEntry, type DriverEntry } from './entry.js';
import { driverBroken, driverIncompatible, driverNotInstalled } from './errors.js';
import { resolveExport, type ExportsField } from './exports.js';

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
}

const DEFAULT_CONDITIONS = ['import', 'node'];

export function defaultDriverDir(capsuleRoot: string): string {
  return join(capsuleRoot, 'usr/lib/capsule/drivers');
}

export class DriverRegistry {
  private readonly loaded = new Map<string, Promise<DriverDefinition>>();

  constructor(
    private readonly entries: DriverEntry[],
    readonly driverDirs: readonly string[],
    private readonly conditions: readonly string[],
  ) {}

  list(): DriverEntry[] {
    return [...this.entries];
  }

  /** `group.type` first, then the group's default driver; compatible entries win over incompatible ones. */
  resolve(group: string, type?: string): DriverEntry {
    const keys = type ? [`${group}.${type}`, group] : [group];
    for (const key of keys) {
      const providers = this.entries.filter((e) => e.provides.includes(key));
      const usable = providers.find((e) => e.compatible);
      if (usable) return usable;
      if (providers[0]) throw driverIncompatible(providers[0], group, type);
    }
    throw driverNotInstalled(group, type, this.driverDirs);
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

  /** Keyword specs only: imports the manifest's `keywords` subpath, not the driver. */
  async loadKeywords(group: string, type?: string): Promise<KeywordSpec[]> {
    const entry = this.resolve(group, type);
    const subpath = entry.manifest?.keywords;
    if (!subpath) return (await this.load(group, type)).keywords;
    const mod = await this.importSubpath(entry, subpath);
    const keywords = (mod as { keywords?: unknown }).keywords;
    if (!Array.isArray(keywords)) throw driverBroken(entry, `${subpath} does not export a keywords array`);
    return keywords as KeywordSpec[];
  }

  private async importSubpath(entry: DriverEntry, subpath: string): Promise<Record<string, unknown>> {
    const file = resolveExport(entry.pkg as { exports?: ExportsField; main?: string }, subpath, this.conditions);
    if (!file) throw driverBroken(entry, `its package.json exports no "${subpath}" entry`);
    try {
      return (await import(pathToFileURL(join(entry.dir, file)).href)) as Record<string, unknown>;
    } catch (e) {
      throw driverBroken(entry, `importing ${subpath} failed: ${(e as Error).message}`, e);
    }
  }

  private async importDriver(entry: DriverEntry): Promise<DriverDefinition> {
    const mod = await this.importSubpath(entry, '.');
    const parsed = DriverDefinitionSchema.safeParse(mod['default']);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'default export'}: ${i.message}`).join('; ');
      throw driverBroken(entry, `its default export is not a capsule driver (${why})`);
    }
    const def = mod['default'] as DriverDefinition;
    const unprovided = def.provides.filter((p) => !entry.provides.includes(p));
    if (unprovided.length) throw driverBroken(entry, `the module provides ${unprovided.join(', ')}, which its manifest does not declare`);
    return def;
  }
}

/** Reads every candidate's manifest in parallel; never imports driver code. */
export async function discoverDrivers(options: DiscoveryOptions = {}): Promise<DriverRegistry> {
  const root = options.capsuleRoot ?? process.env['CAPSULE_ROOT'] ?? '/';
  const driverDirs = [defaultDriverDir(root), ...(options.driverDirs ?? [])];
  const platform = options.platform ?? platformOf(process.platform);
  const candidates = await findCandidates(options.appRoot, driverDirs);
  const entries = candidates.map((c) => toEntry(c, platform)).filter((e): e is DriverEntry => e !== undefined);
  return new DriverRegistry(entries, driverDirs, [...(options.conditions ?? []), ...DEFAULT_CONDITIONS]);
}
