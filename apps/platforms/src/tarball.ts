// The tarball of a build: what an administrator unpacks as root, so every
// entry is root's and no file is writable by group or others, whoever built
// it and whatever their umask. Unpacked by root, a tar keeps the owners it
// records: a builder's uid would own capsule's programs on every node.
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Directories and programs 755, other files 644; links are left alone (their mode means nothing). */
export function normalizeModes(path: string): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    chmodSync(path, 0o755);
    for (const name of readdirSync(path)) normalizeModes(join(path, name));
    return;
  }
  chmodSync(path, st.mode & 0o111 ? 0o755 : 0o644);
}

/** The options of this `tar` that record every entry as uid 0, gid 0, with no names: GNU tar's, or libarchive's bsdtar. */
export function ownerFlags(version: string): string[] {
  return /bsdtar|libarchive/i.test(version) ? ['--uid', '0', '--gid', '0', '--numeric-owner'] : ['--owner=0', '--group=0', '--numeric-owner'];
}

/** Writes `tarball` (gzip) of `name`, a directory of `parent`, with sane modes and root as every entry's owner. */
export function writeTarball(parent: string, name: string, tarball: string): void {
  normalizeModes(join(parent, name));
  const version = execFileSync('tar', ['--version'], { encoding: 'utf8' });
  execFileSync('tar', [...ownerFlags(version), '-czf', tarball, '-C', parent, name]);
}
