// Gets a driver tarball from an npm registry: the package document
// (packument), the version asked for (exact, a range, a dist-tag, or
// `latest`), then dist.tarball, checked against dist.integrity before it is
// returned. Checked by hand like the manifest: plugin-host stays zod-free.
import { isPackageName } from './install-checks.js';
import { verifyIntegrity, type PublishedDigest } from './integrity.js';
import { packageInvalid, registryFailed, versionNotFound } from './install-errors.js';
import { compareVersions } from './preference.js';
import { isVersion, maxSatisfying, satisfies } from './semver.js';

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org';
/** Larger than any driver: a registry sending more is not sending a driver. */
export const MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;
const TIMEOUT_MS = 60_000;

/** `acme-driver@^1.2`, `@acme/driver@1.0.0`, `acme-driver` -> name and what was asked (undefined: latest). */
export function parseSpec(spec: string): { name: string; wanted?: string } | undefined {
  const at = spec.indexOf('@', 1);
  const name = at > 0 ? spec.slice(0, at) : spec;
  const wanted = at > 0 ? spec.slice(at + 1) : undefined;
  if (!isPackageName(name)) return undefined;
  return wanted ? { name, wanted } : { name };
}

export interface Packument {
  'dist-tags'?: Record<string, string>;
  versions: Record<string, { dist: PublishedDigest & { tarball: string } }>;
}

function asPackument(body: unknown, url: string): Packument {
  const versions = (body as { versions?: unknown } | null)?.versions;
  if (typeof versions !== 'object' || versions === null) throw packageInvalid(url, 'the registry answered without a "versions" object');
  for (const [v, doc] of Object.entries(versions)) {
    const tarball = (doc as { dist?: { tarball?: unknown } } | null)?.dist?.tarball;
    if (typeof tarball !== 'string') throw packageInvalid(url, `version ${v} has no dist.tarball`);
  }
  return body as Packument;
}

/** The version to install: a dist-tag (latest when nothing is asked), an exact version, or the highest in a range. */
export function pickVersion(p: Packument, name: string, wanted: string | undefined, registry: string): string {
  const published = Object.keys(p.versions).filter(isVersion).sort(compareVersions);
  const tags = p['dist-tags'] ?? {};
  const tag = Object.hasOwn(tags, wanted ?? 'latest') ? tags[wanted ?? 'latest'] : undefined;
  const chosen = tag ?? (wanted === undefined ? published.filter((v) => satisfies(v, '*')).at(-1) : isVersion(wanted) ? published.find((v) => v === wanted) : maxSatisfying(published, wanted));
  if (chosen === undefined || !Object.hasOwn(p.versions, chosen)) throw versionNotFound(name, wanted ?? 'latest', registry, published);
  return chosen;
}

/** Loopback: the registries tests serve on this machine. Anywhere else, a driver travels over https only. */
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);
const MAX_REDIRECTS = 5;

/** Throws unless `url` is https, or http to this machine. */
export function checkTransport(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw registryFailed(url, 'not a URL');
  }
  if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))) return u;
  throw registryFailed(url, `a driver is downloaded over https only (${u.protocol.replace(/:$/, '')} is allowed for this machine's own 127.0.0.1, ::1 or localhost)`);
}

export interface Limits {
  maxBytes: number;
}

/** The body, counted as it arrives: a stream past `maxBytes` is cut there, never buffered whole. */
async function readBounded(res: Response, url: string, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body?.getReader();
  if (!reader) return new Uint8Array();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw registryFailed(url, `more than ${maxBytes / 1024 / 1024} MiB, more than any driver`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** GET with redirects followed by hand, each hop held to checkTransport: no https registry hands the download to http. */
async function get(url: string, accept: string, limits: Limits, notFound?: () => Error): Promise<Uint8Array> {
  let res: Response;
  let at = url;
  for (let hop = 0; ; hop++) {
    checkTransport(at);
    try {
      res = await fetch(at, { headers: { accept }, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw registryFailed(at, cause?.code ?? cause?.message ?? (e as Error).message, e);
    }
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || location === null) break;
    await res.body?.cancel().catch(() => undefined);
    if (hop >= MAX_REDIRECTS) throw registryFailed(url, `more than ${MAX_REDIRECTS} redirects`);
    at = new URL(location, at).href;
  }
  if (res.status === 404 && notFound) throw notFound();
  if (!res.ok) throw registryFailed(at, `HTTP ${res.status} ${res.statusText}`.trim());
  const length = Number(res.headers.get('content-length'));
  if (length > limits.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw registryFailed(at, `${length} bytes is more than a driver (${limits.maxBytes / 1024 / 1024} MiB at the most)`);
  }
  return readBounded(res, at, limits.maxBytes);
}

export interface Download {
  name: string;
  version: string;
  /** The tarball's URL: where the bytes came from, for messages. */
  source: string;
  bytes: Uint8Array;
}

/** Fetches and verifies `name@wanted` from `registry`; the bytes are not unpacked here. */
export async function downloadPackage(registry: string, name: string, wanted: string | undefined, limits: Limits = { maxBytes: MAX_DOWNLOAD_BYTES }): Promise<Download> {
  const base = registry.replace(/\/+$/, '');
  const url = `${base}/${name.replace('/', '%2f')}`;
  const body = await get(url, 'application/json', limits, () => versionNotFound(name, wanted ?? 'latest', base, []));
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw packageInvalid(url, 'the registry did not answer JSON');
  }
  const packument = asPackument(doc, url);
  const version = pickVersion(packument, name, wanted, base);
  const dist = packument.versions[version]!.dist;
  const bytes = await get(dist.tarball, 'application/octet-stream', limits);
  verifyIntegrity(bytes, dist, dist.tarball);
  return { name, version, source: dist.tarball, bytes };
}
