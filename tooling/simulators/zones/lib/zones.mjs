// Zone records and their formats, shared by zoneadm, zonecfg, zlogin and
// the svcs inside a zone. A record holds the zone's state word (configured,
// incomplete, installed, ready, running, shutting_down, down), its zonecfg
// properties and resources, and when it booted. The state words are the
// corpus's (corpus/states.txt, from libzonecfg and Solaris 11).
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flag, guestNames, load, locked, runHook, save } from '../../guest-kit/lib/state.mjs';

export const GLOBAL = '0:global:running:/::ipkg:shared';

/** Every state word zoneadm prints (corpus/states.txt). */
export const STATES = readFileSync(new URL('../corpus/states.txt', import.meta.url), 'utf8').split('\n').filter(Boolean);

/** States in which the kernel has the zone, so it has an id (zoneadm.c fetch_zents()). */
export const ACTIVE = ['ready', 'running', 'shutting_down', 'down'];

/** A zone's root as its processes see it: ZONEPATH/root. */
export const zoneRoot = (z) => join(z.props.zonepath, 'root');

export function newZone(name) {
  return { name, state: 'configured', uuid: randomUUID(), props: { brand: 'ipkg', 'ip-type': 'shared', autoboot: 'false' }, resources: [] };
}

/**
 * `zoneid:zonename:state:zonepath:uuid:brand:ip-type`, as `zoneadm list -p`
 * prints it (illumos zone_print(), 7 fields): a colon in the zonepath is
 * escaped as `\:`; a zone the kernel does not have prints `-` for its id.
 */
export function listLine(z) {
  const id = ACTIVE.includes(z.state) ? String(z.id ?? 1) : '-';
  const zonepath = (z.props.zonepath ?? '').replace(/:/g, '\\:');
  return [id, z.name, z.state, zonepath, z.uuid, z.props.brand, z.props['ip-type'] === 'exclusive' ? 'excl' : 'shared'].join(':');
}

/**
 * Puts a zone in any state as the kernel or an administrator would leave
 * it (a halt that failed halfway, a package tool's mount, storage in use
 * elsewhere), for tests: the record's fields are replaced, any pending
 * transition dropped; under the host's lock, as the tools change it.
 */
export function patchZone(dir, name, fields) {
  locked(dir, () => {
    const z = load(dir, name);
    if (!z) throw new Error(`no zone ${name} on this simulated host`);
    delete z.next;
    Object.assign(z, fields);
    if (ACTIVE.includes(z.state)) z.id ??= 1;
    else delete z.id;
    save(dir, name, z);
  });
}

export function allZones(dir) {
  return guestNames(dir)
    .map((n) => load(dir, n))
    .filter(Boolean);
}

/** Boots a zone: its processes start, its milestones come online after boot-delay seconds (never with never-ready). */
export function boot(dir, z) {
  const ids = allZones(dir).map((o) => o.id ?? 0);
  z.id = Math.max(0, ...ids) + 1;
  z.state = 'running';
  z.bootedAt = Date.now();
  mkdirSync(zoneRoot(z), { recursive: true });
  save(dir, z.name, z);
  runHook(dir, 'boot', z.name);
}

export function halt(dir, z) {
  delete z.next;
  delete z.id;
  delete z.bootedAt;
  z.state = 'installed';
  save(dir, z.name, z);
  runHook(dir, 'halt', z.name);
}

/** Whether svc:/milestone/multi-user-server has come online in a running zone. */
export function multiUser(dir, z) {
  if (z.state !== 'running' || flag(dir, z.name, 'never-ready') !== undefined) return false;
  const delay = Number(flag(dir, z.name, 'boot-delay') ?? '0.2');
  return Date.now() >= z.bootedAt + delay * 1000;
}

/** `zonecfg export`: the commands that configure the zone again, as zonecfg -f reads them. */
export function exportConfig(z) {
  const lines = ['create -b'];
  for (const [k, v] of Object.entries(z.props)) lines.push(`set ${k}=${v}`);
  for (const r of z.resources) lines.push(...r);
  return `${lines.join('\n')}\n`;
}
