// OpenVZ containers as vzctl, vzlist and vzmigrate see them: a container
// exists while its CTID.conf is in the host's conf directory (the state
// directory plays the host's root: STATE/etc/vz/conf); whether it runs is
// the simulator's record. Exit codes are vzctl(8)'s DIAGNOSTICS.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const EXIT = { system: 3, execFailed: 8, locked: 9, noConfig: 14, notRunning: 31, running: 32, stopFailed: 33 };

export const confDir = (host) => join(host.dir, 'etc/vz/conf');

/** `KEY="value"` lines of a CT config (vzctl.conf(5) syntax), `$VEID`/`$CTID` expanded. */
export function parseConf(text, ctid) {
  const conf = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)\s*=\s*"?([^"]*)"?\s*$/.exec(line);
    if (m) conf[m[1]] = m[2].replace(/\$(VEID|CTID)\b/g, ctid);
  }
  return conf;
}

/** A container by CTID or by its NAME=; undefined when no config names it. */
export function findContainer(host, id) {
  const dir = confDir(host);
  if (!existsSync(dir)) return undefined;
  const read = (ctid) => ({ ctid, file: join(dir, `${ctid}.conf`), conf: parseConf(readFileSync(join(dir, `${ctid}.conf`), 'utf8'), ctid) });
  if (existsSync(join(dir, `${id}.conf`))) return read(id);
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.conf'))) {
    const ct = read(f.slice(0, -'.conf'.length));
    if (ct.conf.NAME === id) return ct;
  }
  return undefined;
}

export function allContainers(host) {
  const dir = confDir(host);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^[^.]+\.conf$/.test(n) && n !== '0.conf')
    .map((n) => findContainer(host, n.slice(0, -'.conf'.length)));
}

export function isRunning(host, ctid) {
  return host.guest(ctid)?.state === 'running';
}
