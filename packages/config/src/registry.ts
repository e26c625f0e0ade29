// The keyword registry: which keywords a section accepts, with their specs.
// Core keywords are built in; driver keywords come from a loader (the
// plugin-host's loadKeywords), which imports only a driver's keyword module.
import { RESOURCE_GROUPS, type KeywordSpec } from '@capsule/core';
import { containerKeywords } from './keywords/container.js';
import { defaultKeywords } from './keywords/default.js';
import { hookKeyword, resourceKeywords, subsetKeywords } from './keywords/resource.js';

export type KeywordLoader = (group: string, type: string | undefined) => Promise<KeywordSpec[]>;

export type SectionKind =
  | { kind: 'default' }
  | { kind: 'env' }
  | { kind: 'resource'; group: string; index: string }
  | { kind: 'subset'; group: string; name: string }
  | { kind: 'unknown' };

export const RESOURCE_SECTION_GROUPS = RESOURCE_GROUPS;

export function sectionKind(name: string): SectionKind {
  if (name === 'DEFAULT') return { kind: 'default' };
  if (name === 'env') return { kind: 'env' };
  const sub = /^subset#([a-z]+):([A-Za-z0-9_.-]+)$/.exec(name);
  if (sub && (RESOURCE_SECTION_GROUPS as readonly string[]).includes(sub[1]!)) return { kind: 'subset', group: sub[1]!, name: sub[2]! };
  const rid = /^([a-z]+)#([A-Za-z0-9_.-]+)$/.exec(name);
  if (rid && (RESOURCE_SECTION_GROUPS as readonly string[]).includes(rid[1]!)) return { kind: 'resource', group: rid[1]!, index: rid[2]! };
  return { kind: 'unknown' };
}

export class KeywordRegistry {
  private readonly extra = new Map<string, KeywordSpec[]>();
  private readonly loaded = new Map<string, Promise<KeywordSpec[]>>();
  private readonly tables = new Map<string, Promise<SectionKeywords>>();

  constructor(private readonly loader?: KeywordLoader) {}

  /** Registers driver keywords for `group` (all types) or `group.type`. */
  register(group: string, type: string | undefined, specs: KeywordSpec[]): void {
    this.extra.set(type ? `${group}.${type}` : group, specs);
    this.tables.clear();
  }

  /** Driver keywords for a resource section; throws what the loader throws (DriverNotInstalled...). */
  driverKeywords(group: string, type: string | undefined): Promise<KeywordSpec[]> {
    const key = type ? `${group}.${type}` : group;
    const registered = this.extra.get(key) ?? (type ? this.extra.get(group) : undefined);
    if (registered) return Promise.resolve(registered);
    if (!this.loader) return Promise.resolve([]);
    let p = this.loaded.get(key);
    if (!p) {
      p = this.loader(group, type);
      this.loaded.set(key, p);
    }
    return p;
  }

  /** Every spec a section accepts (by name), and a lookup that also knows hook families. */
  sectionKeywords(kind: SectionKind, type: string | undefined): Promise<SectionKeywords> {
    // One table per group and type, not per section: a file may have thousands of sections.
    const key = kind.kind === 'resource' ? `resource:${kind.group}.${type ?? ''}` : kind.kind;
    let p = this.tables.get(key);
    if (!p) {
      p = this.buildTable(kind, type);
      this.tables.set(key, p);
    }
    return p;
  }

  private async buildTable(kind: SectionKind, type: string | undefined): Promise<SectionKeywords> {
    if (kind.kind === 'default') return new SectionKeywords(defaultKeywords, false);
    if (kind.kind === 'subset') return new SectionKeywords(subsetKeywords, false);
    if (kind.kind === 'resource') {
      const common = kind.group === 'container' ? [...resourceKeywords, ...containerKeywords] : resourceKeywords;
      return new SectionKeywords([...common, ...(await this.driverKeywords(kind.group, type))], true);
    }
    return new SectionKeywords([], false);
  }
}

export class SectionKeywords {
  readonly byName: Map<string, KeywordSpec>;

  constructor(
    specs: KeywordSpec[],
    private readonly hooks: boolean,
  ) {
    this.byName = new Map(specs.map((s) => [s.name, s]));
  }

  get(keyword: string): KeywordSpec | undefined {
    return this.byName.get(keyword) ?? (this.hooks ? hookKeyword(keyword) : undefined);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}
