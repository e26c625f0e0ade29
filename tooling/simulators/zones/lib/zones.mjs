// Zone records and their formats, shared by zoneadm, zonecfg, zlogin and
// the svcs inside a zone. A record holds the zone's state word (configured,
// incomplete, installed, ready, running, shutting_down, down), its zonecfg
// properties and resources, and when it booted.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { flag, guestNames, load, runHook, save } from '../../guest-kit/lib/state.mjs';

export const GLOBAL = '0:global:running:/::ipkg:shared';

/** A zone's root as its processes see it: ZONEPATH/root. */
export const zoneRoot = (z) => join(z.props.zonepath, 'root');

export function newZone(name) {
  return { name, state: 'configured', uuid: randomUUID(), props: { brand: 'ipkg', 'ip-type': 'shared', autoboot: 'false' }, resources: [] };
}

/** `zoneid:zonename:state:zonepath:uuid:brand:ip-type`, as `zoneadm list -p` prints it (illumos, 7 fields). */
export function listLine(z) {
  const id = ['running', 'ready', 'shutting_down', 'down'].includes(z.state) ? String(z.id ?? 1) : '-';
  return [id, z.name, z.state, z.props.zonepath ?? '', z.uuid, z.props.brand, z.props['ip-type'] === 'exclusive' ? 'excl' : 'shared'].join(':');
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
