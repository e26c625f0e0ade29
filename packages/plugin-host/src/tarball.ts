// Unpacks an npm package tarball (gzip'd ustar, every entry under
// `package/`, as `npm pack` and `pnpm pack` write it) into a fresh
// directory. Read by hand rather than with a tar program: the entries are
// checked before anything is written, and a path leaving the directory, a
// link or a device is refused, whatever tar is installed on the node.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { packageInvalid } from './install-errors.js';

/** A driver is a few MiB at the most; more is a packing mistake or a gzip bomb. */
export const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;
/** Far more files than any driver has; bounds the work a hostile archive can ask for. */
export const MAX_ENTRIES = 20_000;

export interface TarEntry {
  /** Path inside `package/`, normalized. */
  path: string;
  kind: 'file' | 'dir';
  mode: number;
  data: Buffer;
}

const text = (b: Buffer, start: number, len: number) => b.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '');
/**
 * A numeric field: octal digits only, NUL/space padded. Anything else (a
 * sign, base-256, garbage) is undefined: a negative size would have the
 * reader go back over the same header forever.
 */
function octal(b: Buffer, start: number, len: number): number | undefined {
  const t = b.subarray(start, start + len).toString('latin1').replace(/^[\0 ]+|[\0 ]+$/g, '');
  if (t === '') return 0;
  return /^[0-7]+$/.test(t) ? Number.parseInt(t, 8) : undefined;
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === octal(h, 148, 8);
}

/**
 * `path` from a pax header block (`LEN key=VALUE\n` records), if it sets one.
 * Walked by byte offset; a record must be longer than its own `LEN ` prefix
 * and fit in what is left, else the header is refused (a length of 0 would
 * never advance).
 */
function paxPath(data: Buffer, source: string): string | undefined {
  let path: string | undefined;
  for (let off = 0; off < data.length; ) {
    const head = data.subarray(off, Math.min(off + 32, data.length)).toString('latin1');
    const m = /^(\d+) /.exec(head);
    const len = m ? Number(m[1]) : NaN;
    if (!m || !(len > m[0].length && len <= data.length - off)) throw packageInvalid(source, `malformed pax header record at byte ${off} of its block`);
    const record = data.subarray(off + m[0].length, off + len).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0 && record.slice(0, eq) === 'path') path = record.slice(eq + 1).replace(/\n$/, '');
    off += len;
  }
  return path;
}

/** The path below `package/`; throws for anything that could land elsewhere. */
function inside(source: string, raw: string): string {
  if (raw.includes('\\') || raw.startsWith('/')) throw packageInvalid(source, `entry "${raw}" is not a relative path`);
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw packageInvalid(source, `entry "${raw}" leaves the package directory`);
  if (parts[0] !== 'package') throw packageInvalid(source, `entry "${raw}" is not under package/`);
  return posix.join(...parts.slice(1), '.');
}

/** The entries of a gzip'd tarball, checked; nothing is written. */
export function readTarball(bytes: Uint8Array, source: string): TarEntry[] {
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (e) {
    throw packageInvalid(source, `not a gzip'd tarball, or larger than ${MAX_UNPACKED_BYTES / 1024 / 1024} MiB unpacked (${(e as Error).message})`);
  }
  const entries: TarEntry[] = [];
  // One entry per path: with two, the first would be checked and the last written.
  const seen = new Set<string>();
  let longPath: string | undefined;
  let headers = 0;
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    if (++headers > MAX_ENTRIES) throw packageInvalid(source, `more than ${MAX_ENTRIES} entries`);
    if (!checksumOk(h)) throw packageInvalid(source, `corrupt tar header at byte ${off}`);
    const size = octal(h, 124, 12);
    if (size === undefined) throw packageInvalid(source, `the tar header at byte ${off} has an invalid size field`);
    const type = String.fromCharCode(h[156]!) || '0';
    const data = tar.subarray(off + 512, off + 512 + size);
    if (data.length < size) throw packageInvalid(source, 'the tarball is truncated');
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x' || type === 'L') {
      longPath = type === 'L' ? text(data, 0, data.length) : (paxPath(data, source) ?? longPath);
      continue;
    }
    if (type === 'g') continue;
    const prefix = text(h, 345, 155);
    const raw = longPath ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
    longPath = undefined;
    const path = inside(source, raw);
    if (seen.has(path)) throw packageInvalid(source, `entry "${raw}" appears twice (package/${path === '.' ? '' : path})`);
    seen.add(path);
    if (type === '5') entries.push({ path, kind: 'dir', mode: 0o755, data: Buffer.alloc(0) });
    else if (type === '0' || type === '\0' || type === '7') {
      if (path === '.') throw packageInvalid(source, `entry "${raw}" is a file in place of the package directory`);
      entries.push({ path, kind: 'file', mode: (octal(h, 100, 8) ?? 0) & 0o111 ? 0o755 : 0o644, data: Buffer.from(data) });
    } else throw packageInvalid(source, `entry "${raw}" is a ${type === '1' ? 'hard link' : type === '2' ? 'symbolic link' : `special file (tar type ${type})`}, which a driver package may not hold`);
  }
  if (!entries.some((e) => e.path === 'package.json' && e.kind === 'file')) throw packageInvalid(source, 'it has no package/package.json');
  return entries;
}

/** Writes checked entries below `dir`, which should be new and empty. */
export async function writeEntries(entries: readonly TarEntry[], dir: string): Promise<void> {
  for (const e of entries) {
    const target = join(dir, e.path);
    if (e.kind === 'dir') await mkdir(target, { recursive: true });
    else {
      await mkdir(join(target, '..'), { recursive: true });
      await writeFile(target, e.data, { mode: e.mode });
    }
  }
}
