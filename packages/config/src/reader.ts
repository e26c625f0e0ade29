// Line-aware reader of the OpenSVC INI dialect. Keeps every line, so writes
// can leave untouched lines byte-identical and issues carry line numbers.
import { syntaxError, type ConfigIssue } from './issues.js';

export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface Entry {
  /**
   * Full key, lower-cased like Python's ConfigParser (`nodes@encapnodes`),
   * except [env] keys: they become environment variable names, case kept.
   */
  key: string;
  keyword: string;
  /** Scope target after `@`, if any. */
  scope?: string;
  value: string;
  /** 1-based line of the key. */
  line: number;
  /** Last line of its continuation lines. */
  endLine: number;
}

export interface Section {
  name: string;
  line: number;
  entries: Entry[];
}

export interface ConfigDocument {
  file: string;
  /** Raw lines, without line terminators. */
  lines: string[];
  sections: Section[];
  /** Problems found while reading; the document is usable around them. */
  issues: ConfigIssue[];
  /** Line terminator and byte order mark of the file, kept by edits. */
  eol: '\n' | '\r\n';
  bom: boolean;
}

const SECTION = /^\[([^\]]*)\]\s*$/;

function decode(input: string | Uint8Array, file: string): string {
  if (typeof input === 'string') return input;
  if (input.byteLength > MAX_CONFIG_BYTES) {
    throw syntaxError(file, 1, `file is ${input.byteLength} bytes, over the ${MAX_CONFIG_BYTES} bytes limit`, 'a service config is a few kilobytes: check that FILE is the right file');
  }
  try {
    // ignoreBOM keeps the mark in the text, so parseConfig records it and edits keep it.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= input.length; i++) {
      if (i === input.length || input[i] === 0x0a) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(input.subarray(start, i));
        } catch {
          break;
        }
        line++;
        start = i + 1;
      }
    }
    throw syntaxError(file, line, 'invalid UTF-8 bytes', 're-save the file as UTF-8');
  }
}

/** [env] keys are environment variable names: `MY_DIR` must reach scripts as $MY_DIR, as in OpenSVC. */
export const keepsKeyCase = (section: string): boolean => section === 'env';

export function splitKey(rawKey: string, keepCase = false): { key: string; keyword: string; scope?: string } {
  const raw = rawKey.trim();
  const at = raw.indexOf('@');
  const keyword = at < 0 ? raw : raw.slice(0, at);
  const kw = keepCase ? keyword : keyword.toLowerCase();
  if (at < 0) return { key: kw, keyword: kw };
  const scope = raw.slice(at + 1).toLowerCase();
  return { key: `${kw}@${scope}`, keyword: kw, scope };
}

/** The entry for `key` (`kw` or `kw@scope`); in [env] an exact spelling first, then any case. */
export function findEntry(section: Section, key: string): Entry | undefined {
  const { key: k } = splitKey(key, keepsKeyCase(section.name));
  const exact = section.entries.find((e) => e.key === k);
  if (exact || !keepsKeyCase(section.name)) return exact;
  return section.entries.find((e) => e.key.toLowerCase() === k.toLowerCase());
}

export function parseConfig(input: string | Uint8Array, file = '<config>'): ConfigDocument {
  let text = decode(input, file);
  if (text.length > MAX_CONFIG_BYTES) throw syntaxError(file, 1, `file is over the ${MAX_CONFIG_BYTES} bytes limit`);
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  const firstEol = /\r?\n/.exec(text)?.[0];
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const doc: ConfigDocument = { file, lines, sections: [], issues: [], eol: firstEol === '\r\n' ? '\r\n' : '\n', bom };
  const issue = (line: number, message: string, hint?: string, section?: string, keyword?: string) =>
    doc.issues.push({ file, line, message, severity: 'error', ...(hint ? { hint } : {}), ...(section ? { section } : {}), ...(keyword ? { keyword } : {}) });
  const byName = new Map<string, Section>();
  // Big sections get a key index (a scan per line made them quadratic); small ones are scanned.
  const keysOf = new Map<Section, Map<string, Entry>>();
  const findKey = (s: Section, key: string): Entry | undefined => {
    let keys = keysOf.get(s);
    if (!keys) {
      if (s.entries.length <= 16) return s.entries.find((e) => e.key === key);
      keysOf.set(s, (keys = new Map(s.entries.map((e) => [e.key, e]))));
    }
    return keys.get(key);
  };
  let section: Section | undefined;
  let last: Entry | undefined;
  // After a broken header, its keywords are not reported again one by one.
  let inBrokenSection = false;

  lines.forEach((raw, i) => {
    const n = i + 1;
    const trimmed = raw.trim();
    // A NUL byte would be cut or refused by every tool a value is handed to (argv, env, paths).
    if (raw.includes('\0')) issue(n, `NUL byte at column ${raw.indexOf('\0') + 1}`, 'a service file is text: remove the NUL byte (\\0)', section?.name);
    if (trimmed === '') {
      last = undefined;
      return;
    }
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    if (/^\s/.test(raw)) {
      if (last) {
        last.value = last.value === '' ? trimmed : `${last.value}\n${trimmed}`;
        last.endLine = n;
      } else {
        issue(n, 'indented line continues no keyword', 'remove the leading whitespace, or put the line under a `key = value`');
      }
      return;
    }
    if (trimmed.startsWith('[')) {
      last = undefined;
      const m = SECTION.exec(trimmed);
      const name = m?.[1]?.trim();
      if (!m || !name) {
        section = undefined;
        inBrokenSection = true;
        issue(n, m ? 'empty section name' : `unterminated section header "${trimmed}"`, 'a section header is [NAME] on its own line, like [DEFAULT] or [ip#1]');
        return;
      }
      const seen = byName.get(name);
      if (seen) {
        issue(n, `duplicate section [${name}], first at line ${seen.line}`, 'merge the two sections', name);
        section = seen;
        return;
      }
      inBrokenSection = false;
      section = { name, line: n, entries: [] };
      byName.set(name, section);
      doc.sections.push(section);
      return;
    }
    const eq = raw.search(/[=:]/);
    if (eq <= 0 || raw.slice(0, eq).trim() === '') {
      last = undefined;
      issue(n, `expected "key = value", got "${trimmed.slice(0, 60)}"`, 'keywords are written key = value (or key: value)', section?.name);
      return;
    }
    if (!section) {
      last = undefined;
      if (!inBrokenSection) issue(n, 'keyword outside any section', 'start the file with a section header such as [DEFAULT]');
      return;
    }
    const { key, keyword, scope } = splitKey(raw.slice(0, eq), keepsKeyCase(section.name));
    const dup = findKey(section, key);
    if (dup) {
      last = undefined;
      issue(n, `duplicate keyword ${key}, first at line ${dup.line}`, 'keep one of the two lines', section.name, key);
      return;
    }
    last = { key, keyword, value: raw.slice(eq + 1).trim(), line: n, endLine: n };
    if (scope !== undefined) last.scope = scope;
    section.entries.push(last);
    keysOf.get(section)?.set(key, last);
  });
  return doc;
}

export function findSection(doc: ConfigDocument, name: string): Section | undefined {
  return doc.sections.find((s) => s.name === name);
}
