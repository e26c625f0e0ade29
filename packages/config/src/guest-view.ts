// What a guest gets of a service file: the file as the guest reads it,
// without what only the hypervisor level uses. Hypervisor-level resource
// sections (the container itself, its disks, its addresses) and entries
// scoped to other nodes never reach a guest, and [env] entries only when an
// entry the guest keeps refers to them: a guest run by another team must not
// read the hypervisor's secrets.
//
// The view is a projection of the text, line for line, so that a guest's
// edit can be merged back: mergeGuestView(ours, view edited) puts back what
// the projection removed, and projecting the merge gives the guest's text
// again, byte for byte. The two levels then hold different bytes at one
// generation, and each compares hashes of the same view.
import { findEntry, type ConfigDocument, type Entry, type Section } from './reader.js';

export interface ViewRules {
  /** The guest's node name: `kw@GUEST` entries are its own. */
  guest: string;
  /** Whether a section reaches the guest whole (DEFAULT, subsets, encapsulated resources...). */
  visible(section: string): boolean;
}

interface Projection {
  /** 1-based line numbers that the view drops. */
  dropped: Set<number>;
  /** Sections whose header the view drops, and the entries it drops in the others. */
  droppedSections: Set<string>;
  droppedEntries: Map<string, Entry[]>;
}

const REFERENCE = /\{([^{}]+)\}/g;

/** The entries a value refers to: `{env.x}`, `{fs#1.mnt}`, `{key}` (its own section, then DEFAULT). */
function referencesOf(value: string, section: string, doc: ConfigDocument): Array<[Section, Entry]> {
  const found: Array<[Section, Entry]> = [];
  for (const m of value.matchAll(REFERENCE)) {
    // Modifiers (`upper:`), counts (`#`) and indexes (`[0]`) do not change which entry is read.
    const name = m[1]!.trim().replace(/^[a-z_]+:/, '').replace(/^#/, '').replace(/\[\d+\]$/, '');
    const dot = name.indexOf('.');
    const [secName, keyword] = dot < 0 ? [undefined, name] : [name.slice(0, dot), name.slice(dot + 1)];
    const candidates = secName ? [secName] : [section, 'DEFAULT'];
    for (const c of candidates) {
      const s = doc.sections.find((x) => x.name === c);
      const hits = s?.entries.filter((e) => e.keyword === keyword || e.keyword.toLowerCase() === keyword.toLowerCase()) ?? [];
      for (const e of hits) found.push([s!, e]);
      if (hits.length) break;
    }
  }
  return found;
}

/** The section that holds each line: [header, next header). */
function sectionRanges(doc: ConfigDocument): Array<{ section: Section; from: number; to: number }> {
  const starts = [...doc.sections].sort((a, b) => a.line - b.line);
  return starts.map((s, i) => ({ section: s, from: s.line, to: (starts[i + 1]?.line ?? doc.lines.length + 1) - 1 }));
}

function project(doc: ConfigDocument, rules: ViewRules): Projection {
  const guest = rules.guest.toLowerCase();
  const scopedElsewhere = (e: Entry) => e.scope !== undefined && e.scope !== 'encapnodes' && e.scope !== guest;
  const kept = new Set<Entry>();
  const queue: Array<[Section, Entry]> = [];
  for (const s of doc.sections) {
    if (s.name === 'env' || !rules.visible(s.name)) continue;
    for (const e of s.entries) if (!scopedElsewhere(e)) queue.push([s, e]);
  }
  // What a kept entry refers to is kept too, or the guest could not evaluate it.
  while (queue.length) {
    const [s, e] = queue.pop()!;
    if (kept.has(e) || scopedElsewhere(e)) continue;
    kept.add(e);
    queue.push(...referencesOf(e.value, s.name, doc));
  }
  const dropped = new Set<number>();
  const droppedSections = new Set<string>();
  const droppedEntries = new Map<string, Entry[]>();
  for (const { section: s, from, to } of sectionRanges(doc)) {
    const keepHeader = (s.name !== 'env' && rules.visible(s.name)) || s.entries.some((e) => kept.has(e));
    if (!keepHeader) {
      droppedSections.add(s.name);
      for (let n = from; n <= to; n++) dropped.add(n);
      continue;
    }
    const gone = s.entries.filter((e) => !kept.has(e));
    if (gone.length) droppedEntries.set(s.name, gone);
    for (const e of gone) for (let n = e.line; n <= e.endLine; n++) dropped.add(n);
  }
  return { dropped, droppedSections, droppedEntries };
}

function render(lines: string[], doc: Pick<ConfigDocument, 'eol' | 'bom'>): string {
  return (doc.bom ? '\ufeff' : '') + (lines.length ? lines.join(doc.eol) + doc.eol : '');
}

/** The text pushed into `rules.guest`. */
export function guestView(doc: ConfigDocument, rules: ViewRules): string {
  const { dropped } = project(doc, rules);
  return render(doc.lines.filter((_, i) => !dropped.has(i + 1)), doc);
}

const linesOf = (doc: ConfigDocument, e: Entry) => doc.lines.slice(e.line - 1, e.endLine);

/**
 * `theirs` (a guest's edit of its view) with what the view of `ours` left
 * out put back near where it was. What the guest wrote wins over what it
 * could not see: a key it added that the view hides stays its own, for the
 * hypervisor-level comparison to find.
 */
export function mergeGuestView(ours: ConfigDocument, theirs: ConfigDocument, rules: ViewRules): string {
  const p = project(ours, rules);
  // After which line of theirs (0: before the first) each block goes, in the order of ours.
  const inserts = new Map<number, string[]>();
  const put = (after: number, lines: string[]) => {
    if (lines.length) inserts.set(after, [...(inserts.get(after) ?? []), ...lines]);
  };
  const ranges = sectionRanges(ours);
  for (const [i, { section: s, from, to }] of ranges.entries()) {
    const there = theirs.sections.find((x) => x.name === s.name);
    const hidden = p.droppedSections.has(s.name) ? s.entries : (p.droppedEntries.get(s.name) ?? []);
    if (p.droppedSections.has(s.name) && !there) {
      // Before the next section of ours that the guest still has, else at the end.
      const next = ranges.slice(i + 1).map((r) => theirs.sections.find((x) => x.name === r.section.name)).find((x) => x && !p.droppedSections.has(x.name));
      put(next ? next.line - 1 : theirs.lines.length, ours.lines.slice(from - 1, to));
      continue;
    }
    if (!hidden.length) continue;
    if (!there) {
      put(theirs.lines.length, [`[${s.name}]`, ...hidden.flatMap((e) => linesOf(ours, e))]);
      continue;
    }
    for (const e of hidden) {
      if (findEntry(there, e.key)) continue;
      // After the entry that preceded it in ours, when the guest still has it.
      const before = s.entries.slice(0, s.entries.indexOf(e)).reverse().map((b) => findEntry(there, b.key)).find(Boolean);
      put(before ? before.endLine : there.line, linesOf(ours, e));
    }
  }
  const out: string[] = [...(inserts.get(0) ?? [])];
  theirs.lines.forEach((l, i) => out.push(l, ...(inserts.get(i + 1) ?? [])));
  return render(out, theirs);
}
