// Jail records: a jail exists from `jail -c` to `jail -r` (a record per
// active jail), with its jid, name, path, hostname and addresses. Jids grow
// like the kernel's: never reused while the host runs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guestNames, load } from '../../guest-kit/lib/state.mjs';

/**
 * Every jail the kernel holds, in jid order (kern_jail_get walks allprison
 * so): active ones, and with `dying` the removed ones whose last references
 * are not yet released (kept as records NAME.dying.JID).
 */
export function allJails(dir, dying = false) {
  return guestNames(dir)
    .map((n) => load(dir, n))
    .filter((j) => j && (dying || j.state === 'ACTIVE'))
    .sort((a, b) => a.jid - b.jid);
}

export const activeJails = (dir) => allJails(dir);

/** An active jail by name or jid, as jls -j, jexec and jail -r take it. */
export function findJail(dir, key) {
  return activeJails(dir).find((j) => j.name === key || String(j.jid) === key);
}

/** The record key of a dying jail: beside a new jail that takes its name. */
export const dyingKey = (j) => `${j.name}.dying.${j.jid}`;

export function nextJid(dir) {
  const file = join(dir, 'lastjid');
  let last = 0;
  try {
    last = Number(readFileSync(file, 'utf8')) || 0;
  } catch {
    // the first jail of this host
  }
  writeFileSync(file, String(last + 1));
  return last + 1;
}
