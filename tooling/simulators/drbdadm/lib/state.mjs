// The DRBD cluster the drbdadm simulator sees: resource files in
// $CAPSULE_SIM_STATE/drbd.d (the hosts named by their `on HOST {` blocks),
// each host's kernel state in hosts/HOST/RES.json (present while the
// resource is up), faults the tests set, and a log of calls. One state
// directory is shared by every simulated host: that is how a peer's role is
// seen, as DRBD's connection would show it.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function fail(code, text) {
  if (text) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  process.exit(code);
}

export class Cluster {
  constructor(dir = process.env.CAPSULE_SIM_STATE, host = process.env.CAPSULE_SIM_HOST) {
    if (!dir) fail(70, 'simulator: CAPSULE_SIM_STATE is not set');
    if (!host) fail(70, 'simulator: CAPSULE_SIM_HOST is not set');
    this.dir = dir;
    this.host = host;
  }

  logCall(argv) {
    appendFileSync(join(this.dir, 'calls.log'), `${this.host}: ${argv.join(' ')}\n`);
  }

  /** The resource as its .res file defines it: { name, hosts, twoPrimaries }, or undefined. */
  resource(name) {
    const d = join(this.dir, 'drbd.d');
    if (!existsSync(d)) return undefined;
    for (const f of readdirSync(d).filter((x) => x.endsWith('.res'))) {
      const text = readFileSync(join(d, f), 'utf8');
      for (const m of text.matchAll(/^\s*resource\s+(\S+)\s*\{/gm)) {
        if (m[1] !== name) continue;
        const hosts = [...text.matchAll(/^\s*on\s+(\S+)\s*\{/gm)].map((h) => h[1]);
        return { name, hosts, twoPrimaries: /allow-two-primaries\s+yes\s*;/.test(text) };
      }
    }
    return undefined;
  }

  /** The `disk` lines (not meta-disk) of this host's `on HOST { }` block of `res`, in order. */
  backingDisks(res, host = this.host) {
    const d = join(this.dir, 'drbd.d');
    for (const f of readdirSync(d).filter((x) => x.endsWith('.res'))) {
      const text = readFileSync(join(d, f), 'utf8');
      if (!new RegExp(`^\\s*resource\\s+${res.replace(/[.+]/g, '\\$&')}\\s*\\{`, 'm').test(text)) continue;
      const start = text.search(new RegExp(`^\\s*on\\s+${host}\\s*\\{`, 'm'));
      if (start < 0) return [];
      // The block runs to its matching brace (volume blocks nest inside it).
      let depth = 0;
      let end = start;
      for (let i = text.indexOf('{', start); i < text.length; i++) {
        if (text[i] === '{') depth++;
        if (text[i] === '}' && --depth === 0) {
          end = i;
          break;
        }
      }
      return [...text.slice(start, end).matchAll(/(?<![-\w])disk\s+([^;\s]+)\s*;/g)].map((m) => m[1]);
    }
    return [];
  }

  /** The kernel state of `res` on `host` ({ role, disk }), undefined while down. */
  kernel(res, host = this.host) {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'hosts', host, `${res}.json`), 'utf8'));
    } catch {
      return undefined;
    }
  }

  putKernel(res, rec, host = this.host) {
    const d = join(this.dir, 'hosts', host);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, `${res}.json.tmp`), JSON.stringify(rec));
    renameSync(join(d, `${res}.json.tmp`), join(d, `${res}.json`));
  }

  down(res, host = this.host) {
    rmSync(join(this.dir, 'hosts', host, `${res}.json`), { force: true });
  }

  /** faults/HOST.RES.KIND, then faults/RES.KIND: its trimmed content, or undefined. */
  fault(res, kind, host = this.host) {
    for (const f of [`${host}.${res}.${kind}`, `${res}.${kind}`]) {
      const p = join(this.dir, 'faults', f);
      if (existsSync(p)) return readFileSync(p, 'utf8').trim();
    }
    return undefined;
  }

  /** A fault that fires N times: its file holds the count left. */
  consume(res, kind, host = this.host) {
    const p = join(this.dir, 'faults', `${host}.${res}.${kind}`);
    if (!existsSync(p)) return false;
    const left = Number(readFileSync(p, 'utf8').trim() || '1');
    if (left <= 1) rmSync(p, { force: true });
    else writeFileSync(p, String(left - 1));
    return true;
  }

  /** Serializes state changes across the simulated hosts, as DRBD's cluster-wide state change does. */
  locked(fn) {
    const lock = join(this.dir, 'lock');
    const wait = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; ; i++) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        if (i > 2000) fail(70, 'simulator: state lock held for 10 s');
        Atomics.wait(wait, 0, 0, 5);
      }
    }
    // fail() exits from inside fn: the lock goes with the process either way.
    const release = () => rmdirSync(lock);
    process.once('exit', release);
    const r = fn();
    process.removeListener('exit', release);
    release();
    return r;
  }
}
