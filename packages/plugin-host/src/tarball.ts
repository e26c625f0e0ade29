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

export interface TarEntry {
  /** Path inside `package/`, normalized. */
  path: string;
  kind: 'file' | 'dir';
  mode: number;
  data: Buffer;
}

const text = (b: Buffer, start: number, len: number) => b.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '');
const octal = (b: Buffer, start: number, len: number) => Number.parseInt(text(b, start, len).trim() || '0', 8);

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === octal(h, 148, 8);
}

/** `path` from a pax header block (`LEN path=VALUE\n` records), if it sets one. */
function paxPath(data: Buffer): string | undefined {
  let rest = data.toString('utf8');
  let path: string | undefined;
  while (rest.length) {
    const m = /^(\d+) ([^=]+)=/.exec(rest);
    if (!m) break;
    const record = Buffer.from(rest).subarray(0, Number(m[1])).toString('utf8');
    if (m[2] === 'path') path = record.slice(m[0].length).replace(/\n$/, '');
    rest = rest.slice(record.length);
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
  let longPath: string | undefined;
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    if (!checksumOk(h)) throw packageInvalid(source, `corrupt tar header at byte ${off}`);
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156]!) || '0';
    const data = tar.subarray(off + 512, off + 512 + size);
    if (data.length < size) throw packageInvalid(source, 'the tarball is truncated');
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x' || type === 'L') {
      longPath = type === 'L' ? text(data, 0, data.length) : (paxPath(data) ?? longPath);
      continue;
    }
    if (type === 'g') continue;
    const prefix = text(h, 345, 155);
    const raw = longPath ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
    longPath = undefined;
    const path = inside(source, raw);
    if (type === '5') entries.push({ path, kind: 'dir', mode: 0o755, data: Buffer.alloc(0) });
    else if (type === '0' || type === '\0' || type === '7') {
      if (path === '.') throw packageInvalid(source, `entry "${raw}" is a file in place of the package directory`);
      entries.push({ path, kind: 'file', mode: octal(h, 100, 8) & 0o111 ? 0o755 : 0o644, data: Buffer.from(data) });
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
