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

/** The run state a test or a tool left: running, stopped, mounted (down, private area mounted), paused (vzctl 7), suspended (a dump file). */
export function ctState(host, ctid) {
  return host.guest(ctid)?.state ?? 'stopped';
}

/** The vzctl version this host plays (STATE/vzctl.version, default 4.7): its status line's form depends on it. */
export function vzctlVersion(host) {
  try {
    return readFileSync(join(host.dir, 'vzctl.version'), 'utf8').trim();
  } catch {
    return '4.7';
  }
}

const older = (v, than) => {
  const [a, b] = [v, than].map((x) => x.split('.').map(Number));
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
};

/**
 * `vzctl status`'s line, as each version's show_status / Show prints it
 * (corpus/README.md): VPSID before 3.0.12, VEID to 3.0.22 and in vzctl 7,
 * CTID between; ` suspended` when a dump file exists (3.0.24 to 3.0.30:
 * whenever the CT exists; 4.x: only when it is not running); vzctl 7 says
 * paused or suspended in place of running or down. A record's `word` (a
 * test's) is a later vzctl's word for the run state.
 */
export function statusLine(host, id) {
  const v = vzctlVersion(host);
  const seven = !older(v, '7');
  const key = older(v, '3.0.12') ? 'VPSID' : older(v, '3.0.24') || seven ? 'VEID' : 'CTID';
  const ct = findContainer(host, id);
  if (!ct) return `${key} ${id} deleted unmounted down`;
  const rec = host.guest(ct.ctid) ?? {};
  const state = ctState(host, ct.ctid);
  const mounted = ['running', 'paused', 'mounted'].includes(state) ? 'mounted' : 'unmounted';
  const runs = state === 'running' || state === 'paused';
  let run = runs ? (seven && state === 'paused' ? 'paused' : 'running') : seven && state === 'suspended' ? 'suspended' : 'down';
  if (rec.word) run = rec.word;
  const dump = (state === 'suspended' || rec.dump === true) && !seven && !older(v, '3.0.24') && (older(v, '4') ? true : !runs);
  return `${key} ${ct.ctid} exist ${mounted} ${run}${dump ? ' suspended' : ''}`;
}

/** vzlist's status word (vzctl 4.x include/vzlist.h ve_status; vzctl 7 src/vzlist.c ve_status). */
export function vzlistStatus(host, ctid) {
  const state = ctState(host, ctid);
  if (state === 'paused') return older(vzctlVersion(host), '7') ? 'running' : 'paused';
  return ['running', 'mounted', 'suspended'].includes(state) ? state : 'stopped';
}
