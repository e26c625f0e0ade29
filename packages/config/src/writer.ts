// Edits that keep every untouched line byte-identical.
import { findEntry, keepsKeyCase, splitKey, type ConfigDocument } from './reader.js';

function valueLines(key: string, value: string): string[] {
  const [first = '', ...rest] = value.split('\n');
  return [`${key} = ${first}`.trimEnd(), ...rest.map((l) => `    ${l}`)];
}

/** The edited file keeps the document's line endings and byte order mark. */
function join_(lines: string[], doc: Pick<ConfigDocument, 'eol' | 'bom'> = { eol: '\n', bom: false }): string {
  return (doc.bom ? '\ufeff' : '') + (lines.length ? lines.join(doc.eol) + doc.eol : '');
}

/** Sets `section.key` (key may carry a scope: `nodes@encapnodes`); creates the section when missing. */
export function setKeyword(doc: ConfigDocument, section: string, key: string, value: string): string {
  const k = splitKey(key, keepsKeyCase(section)).key;
  // An empty file reads as one empty line: the first section must not start after it.
  const lines = doc.lines.length === 1 && doc.lines[0] === '' ? [] : [...doc.lines];
  const sec = doc.sections.find((s) => s.name === section);
  if (!sec) {
    if (lines.length && lines[lines.length - 1]!.trim() !== '') lines.push('');
    return join_([...lines, `[${section}]`, ...valueLines(k, value)], doc);
  }
  const entry = findEntry(sec, k);
  if (entry) {
    lines.splice(entry.line - 1, entry.endLine - entry.line + 1, ...valueLines(k, value));
    return join_(lines, doc);
  }
  // Append after the section's last keyword line, before trailing blanks and comments.
  const lastLine = sec.entries.length ? Math.max(...sec.entries.map((e) => e.endLine)) : sec.line;
  lines.splice(lastLine, 0, ...valueLines(k, value));
  return join_(lines, doc);
}

export function unsetKeyword(doc: ConfigDocument, section: string, key: string): string | undefined {
  const sec = doc.sections.find((s) => s.name === section);
  const entry = sec && findEntry(sec, key);
  if (!entry) return undefined;
  const lines = [...doc.lines];
  lines.splice(entry.line - 1, entry.endLine - entry.line + 1);
  return join_(lines, doc);
}

/**
 * Removes a section: its header and its keywords, and the blank line that
 * parted it from what follows. Comments stay: one above a header may be
 * about anything.
 */
export function removeSection(doc: ConfigDocument, section: string): string | undefined {
  const sec = doc.sections.find((s) => s.name === section);
  if (!sec) return undefined;
  const lines = [...doc.lines];
  // 1-based, inclusive: from the header to the last line of its last keyword.
  let last = sec.entries.length ? Math.max(...sec.entries.map((e) => e.endLine)) : sec.line;
  if (lines[last]?.trim() === '') last++;
  lines.splice(sec.line - 1, last - sec.line + 1);
  return join_(lines, doc);
}

/** `print config`: the document in canonical form (`key = value`, 4-space continuations), comments kept. */
export function renderDocument(doc: ConfigDocument): string {
  const starts = new Map<number, { key: string; value: string; endLine: number }>();
  for (const s of doc.sections) for (const e of s.entries) starts.set(e.line, e);
  const out: string[] = [];
  for (let i = 1; i <= doc.lines.length; i++) {
    const e = starts.get(i);
    if (e) {
      out.push(...valueLines(e.key, e.value));
      i = e.endLine;
      continue;
    }
    out.push(doc.lines[i - 1]!.trimEnd());
  }
  return join_(out);
}
