// OpenSVC keyword names that were renamed or dropped. A file using them is
// read as if written with today's name, with a warning naming it.

export interface Deprecation {
  /** Today's keyword; undefined when the keyword is dropped and ignored. */
  now?: string;
}

const DEFAULT_SECTION: ReadonlyMap<string, Deprecation> = new Map([
  ['cluster_type', { now: 'topology' }],
  ['service_type', { now: 'env' }],
  ['flex_min_nodes', { now: 'flex_min' }],
  ['flex_max_nodes', { now: 'flex_max' }],
  ['mode', {}],
]);

const RESOURCE_SECTIONS: ReadonlyMap<string, Deprecation> = new Map([['always_on', { now: 'standby' }]]);

function table(section: string): ReadonlyMap<string, Deprecation> | undefined {
  if (section === 'DEFAULT') return DEFAULT_SECTION;
  if (/^[a-z]+#/.test(section) && !section.startsWith('subset#')) return RESOURCE_SECTIONS;
  return undefined;
}

export function deprecation(section: string, keyword: string): Deprecation | undefined {
  return table(section)?.get(keyword);
}

const reverse = (t: ReadonlyMap<string, Deprecation>) => {
  const r = new Map<string, string[]>();
  for (const [old, d] of t) if (d.now) r.set(d.now, [...(r.get(d.now) ?? []), old]);
  return r;
};
const DEFAULT_OLD = reverse(DEFAULT_SECTION);
const RESOURCE_OLD = reverse(RESOURCE_SECTIONS);
const NONE: readonly string[] = [];

/** The old names of `keyword` in `section`, read when today's name is not set. */
export function oldNames(section: string, keyword: string): readonly string[] {
  const t = table(section);
  return (t === DEFAULT_SECTION ? DEFAULT_OLD : t === RESOURCE_SECTIONS ? RESOURCE_OLD : undefined)?.get(keyword) ?? NONE;
}
