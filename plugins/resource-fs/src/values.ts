// Value syntaxes of OpenSVC's fs keywords: sizes (convert_size), shell-like
// option lists (shlex), octal permissions, owners, zfs quota expressions.
import { ValueParser } from '@capsule/core';

/** OpenSVC's size units: a bare unit is a power of 1024, one with an "i" (KiB) a power of 1000, as its convert_size reads them. */
const UNITS = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

/** A size: bytes, or an lvm2 extent expression (`50%FREE`) kept as written for lvcreate. */
export type Size = { bytes: number } | { lvm: string };

export function parseSize(text: string): { value: Size } | { problem: string } {
  const s = text.trim().replace(',', '.');
  if (/^\d+%(FREE|VG|ORIGIN|PVS)$/.test(s)) return { value: shown({ lvm: s }, s) };
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(s);
  const unit = m?.[2]?.replace(/B$/, '') ?? '';
  const power = UNITS.indexOf(unit.slice(0, 1).toUpperCase());
  if (!m || power < 0 || !/^[a-zA-Z]?i?$/.test(unit)) return { problem: `expected a size like 512M, 10G or 1.5T (or N%FREE, N%VG for lvm), got "${text}"` };
  const factor = unit.includes('i') ? 1000 : 1024;
  const bytes = Math.round(Number(m[1]) * factor ** power);
  return { value: shown({ bytes }, String(bytes)) };
}

export const sizeFromString = new ValueParser<Size>(parseSize);

/**
 * Splits like Python's shlex.split (OpenSVC's "shlex" convert): blanks
 * separate words, single quotes keep everything, double quotes keep all but
 * backslash escapes, a backslash outside quotes escapes the next character.
 */
export function shlexSplit(text: string): { value: string[] } | { problem: string } {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i]!;
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) return { problem: `unbalanced ${quote} quote in "${text}"` };
  if (word !== undefined) words.push(word);
  return { value: words };
}

export const shlexFromString = new ValueParser<string[]>(shlexSplit);

/** Octal permissions as chmod takes them (755, 1777, 0750), kept as written: `print config --eval` shows 1777, not its decimal 1023. */
export const permFromString = new ValueParser<string>((s) => {
  const v = s.trim();
  return /^[0-7]{1,5}$/.test(v) && parseInt(v, 8) <= 0o7777 ? { value: v } : { problem: `expected octal permissions like 755 or 1777, got "${s}"` };
});

/**
 * A parsed value that prints as OpenSVC's `get --eval` does (a size as its
 * bytes, a quota as written): without it, `print config --eval` showed
 * `[object Object]`. Not enumerable, so the value still compares as data.
 */
function shown<T extends object>(value: T, text: string): T {
  return Object.defineProperty(value, 'toString', { value: () => text, enumerable: false });
}

/** A user or group, by name or number; a name is looked up on the node at start. */
export const ownerFromString = new ValueParser<string>((s) => {
  const v = s.trim();
  // What useradd and groupadd accept (NAME_REGEX, with the "$" of machine accounts), or a number.
  return /^(\d+|[a-zA-Z_][a-zA-Z0-9_.-]*\$?)$/.test(v) ? { value: v } : { problem: `expected a user or group name, or a number, got "${s}"` };
});

/** A zfs quota or refquota: none, a size, or a multiple of the size keyword (x2). */
export type ZfsQuota = { none: true } | { bytes: number } | { times: number };

/** OpenSVC's refquota default: the size keyword's value. */
export const REFQUOTA_DEFAULT: ZfsQuota = shown({ times: 1 }, 'x1');

export const zfsQuotaFromString = new ValueParser<ZfsQuota>((s) => {
  const v = s.trim();
  if (v === 'none' || v === '') return { value: shown({ none: true }, 'none') };
  const times = /^x(\d+(?:\.\d+)?)$/.exec(v);
  if (times) return { value: shown({ times: Number(times[1]) }, v) };
  const size = parseSize(v);
  if ('value' in size && 'bytes' in size.value) return { value: shown({ bytes: size.value.bytes }, v) };
  return { problem: `expected none, a size like 10G, or a multiple of size like x2, got "${s}"` };
});
