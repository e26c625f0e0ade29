// OpenSSH known_hosts: parse the file and check a host's key against it.
// Supports plain and hashed (`|1|salt|hmac`) host names, `[host]:port`
// entries, patterns with `*`, `?` and `!negation`, and `@revoked` lines;
// `@cert-authority` lines are skipped (no certificate support).
import { createHash, createHmac } from 'node:crypto';

export interface KnownHost {
  line: number;
  patterns: string[];
  keyType: string;
  key: Buffer;
  revoked: boolean;
}

export type HostKeyVerdict = { kind: 'match' } | { kind: 'unknown' } | { kind: 'changed'; line: number } | { kind: 'revoked'; line: number };

export function parseKnownHosts(text: string): KnownHost[] {
  const out: KnownHost[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    let fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]!.startsWith('@')) {
      if (fields[0] === '@cert-authority') return;
      revoked = fields[0] === '@revoked';
      fields = fields.slice(1);
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64) return;
    out.push({ line: i + 1, patterns: hosts.split(','), keyType, key: Buffer.from(b64, 'base64'), revoked });
  });
  return out;
}

/** How OpenSSH names a host in known_hosts: `host` on port 22, `[host]:port` otherwise. */
export function hostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function glob(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

function hashedMatch(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** Whether the comma-separated patterns of one line name this host (a negated match excludes it). */
export function patternsMatch(patterns: readonly string[], name: string): boolean {
  let hit = false;
  for (const p of patterns) {
    if (p.startsWith('|')) {
      if (hashedMatch(p, name)) hit = true;
    } else if (p.startsWith('!')) {
      if (glob(p.slice(1), name)) return false;
    } else if (glob(p, name)) hit = true;
  }
  return hit;
}

export function checkHostKey(entries: readonly KnownHost[], host: string, port: number, keyType: string, key: Buffer): HostKeyVerdict {
  const name = hostName(host, port);
  const mine = entries.filter((e) => patternsMatch(e.patterns, name));
  const revoked = mine.find((e) => e.revoked && e.key.equals(key));
  if (revoked) return { kind: 'revoked', line: revoked.line };
  if (mine.some((e) => !e.revoked && e.keyType === keyType && e.key.equals(key))) return { kind: 'match' };
  const other = mine.find((e) => !e.revoked && e.keyType === keyType);
  return other ? { kind: 'changed', line: other.line } : { kind: 'unknown' };
}

/** The key type named inside an SSH public key blob (its first string). */
export function keyTypeOf(blob: Buffer): string {
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('ascii');
}

/** `SHA256:...` as `ssh-keygen -lf` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
