// Xen domains as both toolstacks (xl and the older xm/xend) see them: a
// domain exists only while it runs (created from a config file, gone when
// shut down or destroyed), with a domid, a uuid and the run-state flags
// r b p s c d of `xl list` / `xm list`.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './host.mjs';

/** `key = value` lines of an xl.cfg(5) / xmdomain.cfg(5) file; strings unquoted, the rest as written. */
export function parseXenConfig(text) {
  const cfg = {};
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$/.exec(line);
    if (m) cfg[m[1]] = m[2].trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return cfg;
}

/** The six state flags, as xl_info.c and xm's main.py print them; a test sets `flags` on a record to crash a domain: xl prints a crash as ---sc- (shut down, reason crash), xm as ----c-. */
export function stateFlags(d) {
  if (d.flags) return d.flags;
  return d.paused ? '--p---' : '-b----';
}

export function findDomain(host, id) {
  return host.guests().find((d) => d.name === id || String(d.domid) === id || d.uuid === id);
}

function nextDomid(host) {
  const file = join(host.dir, 'next-domid');
  let id = 1;
  try {
    id = Number(readFileSync(file, 'utf8')) || 1;
  } catch {
    // first domain of this host
  }
  writeFileSync(file, String(id + 1));
  return id;
}

/** Creates and boots a domain (under the host's lock); returns it, or an error string. */
export function createDomain(host, cfg, configFile) {
  const rec = { name: cfg.name, domid: nextDomid(host), uuid: cfg.uuid ?? randomUUID(), memory: Number(cfg.memory ?? 128), vcpus: Number(cfg.vcpus ?? 1), type: cfg.type ?? 'pv', config: configFile, cfg, started: Date.now() };
  const failed = host.hook(rec.name, 'boot');
  if (failed) return failed;
  host.put(rec);
  return rec;
}

/** The guest is gone: its record removed, its halt hook run (the test takes its network down). */
export function domainGone(host, d) {
  host.remove(d.name);
  host.hook(d.name, 'halt');
}

/** A guest honours a shutdown request unless the test made it ignore them. */
export function honoursShutdown(host, d) {
  return host.fault('ignore-shutdown', d.name) === undefined;
}

/** Waits until no domain `name` with `domid` exists (`xl shutdown -w`, `xm shutdown -w`). */
export async function waitGone(host, d) {
  for (;;) {
    const now = findDomain(host, d.name);
    if (!now || now.domid !== d.domid) return;
    await sleep(100);
  }
}

/** Moves a running domain to a peer host: same name and uuid, a new domid there, gone here. */
export function migrateDomain(host, peer, d) {
  host.remove(d.name);
  const moved = { ...d, domid: nextDomid(peer), started: Date.now() };
  peer.put(moved);
  return moved;
}

export function cpuTime(d) {
  return ((Date.now() - d.started) / 1000 / 50).toFixed(1);
}
