// Checks a downloaded tarball against the digest its registry published,
// before a byte of it is unpacked: `dist.integrity` (Subresource Integrity,
// sha512 preferred), else the legacy hex `dist.shasum` (sha1).
import { createHash } from 'node:crypto';
import { integrityMismatch, packageInvalid } from './install-errors.js';

export interface PublishedDigest {
  integrity?: string;
  shasum?: string;
}

const STRENGTH = ['sha1', 'sha256', 'sha384', 'sha512'];

/** Throws DriverIntegrityMismatch unless `bytes` match; a registry publishing no digest at all is refused too. */
export function verifyIntegrity(bytes: Uint8Array, digest: PublishedDigest, source: string): void {
  // SRI: space-separated `algo-base64` items; the strongest algorithm given decides.
  const items = (digest.integrity ?? '')
    .split(/\s+/)
    .map((s) => /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/=]+)(?:\?.*)?$/.exec(s))
    .filter((m): m is RegExpExecArray => m !== null);
  if (items.length) {
    const best = Math.max(...items.map((m) => STRENGTH.indexOf(m[1]!)));
    const algorithm = STRENGTH[best]!;
    const actual = createHash(algorithm).update(bytes).digest('base64');
    const wanted = items.filter((m) => m[1] === algorithm).map((m) => m[2]!);
    if (!wanted.includes(actual)) throw integrityMismatch(source, algorithm, `${algorithm}-${wanted[0]}`, `${algorithm}-${actual}`);
    return;
  }
  if (digest.shasum && /^[0-9a-f]{40}$/i.test(digest.shasum)) {
    const actual = createHash('sha1').update(bytes).digest('hex');
    if (actual !== digest.shasum.toLowerCase()) throw integrityMismatch(source, 'sha1', digest.shasum.toLowerCase(), actual);
    return;
  }
  throw packageInvalid(source, 'its registry publishes no integrity or shasum to check the download against');
}
