// A simulated hypervisor host as its tools see it: guest records in the
// state directory named by CAPSULE_SIM_STATE, a lock serializing changes (as
// the real daemons do), faults and boot/halt hooks set up by the test, peers
// for migration, and a log of every call. Read by the simulators only.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A guest record a hook or a tool wrote; undefined when absent. */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

export class Host {
  /** `dir` defaults to CAPSULE_SIM_STATE; a tool without it cannot know its host. */
  constructor(dir = process.env.CAPSULE_SIM_STATE) {
    if (!dir) {
      process.stderr.write('simulator: CAPSULE_SIM_STATE is not set\n');
      process.exit(70);
    }
    this.dir = dir;
    mkdirSync(join(dir, 'guests'), { recursive: true });
  }

  /** Records the argv as received, so tests can assert what a driver ran. */
  logCall(tool, argv) {
    appendFileSync(join(this.dir, 'calls.log'), `${[tool, ...argv].join(' ')}\n`);
  }

  guest(name) {
    return readJson(join(this.dir, 'guests', `${name}.json`));
  }

  guests() {
    return readdirSync(join(this.dir, 'guests'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => readJson(join(this.dir, 'guests', f)))
      .filter(Boolean);
  }

  put(rec) {
    const file = join(this.dir, 'guests', `${rec.name}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(rec, null, 2));
    renameSync(`${file}.tmp`, file);
  }

  remove(name) {
    rmSync(join(this.dir, 'guests', `${name}.json`), { force: true });
  }

  /** `faults/KIND` for every guest or `faults/NAME.KIND` for one; its content (trimmed) or undefined. */
  fault(kind, name) {
    for (const f of [name ? `${name}.${kind}` : undefined, kind].filter(Boolean)) {
      const p = join(this.dir, 'faults', f);
      if (existsSync(p)) return readFileSync(p, 'utf8').trim();
    }
    return undefined;
  }

  /** A slow operation: `faults/slow` (or `faults/NAME.slow`) holds the seconds it takes. */
  async slow(name) {
    const s = Number(this.fault('slow', name) ?? 0);
    if (s > 0) await sleep(s * 1000);
  }

  /**
   * Runs `hooks/NAME.boot` or `hooks/NAME.halt` (a shell command line) when a
   * guest boots or halts: the test brings the guest's network up or down
   * there. Returns the hook's failure, if any.
   */
  hook(name, event) {
    const p = join(this.dir, 'hooks', `${name}.${event}`);
    if (!existsSync(p)) return undefined;
    const r = spawnSync('/bin/sh', [p, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return r.status === 0 ? undefined : `${event} hook failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`;
  }

  /** The state directory of another simulated host, by the name a tool is given (`xl migrate vm1 HOST`). */
  peer(host) {
    const p = join(this.dir, 'peers', host);
    return existsSync(p) ? new Host(readFileSync(p, 'utf8').trim()) : undefined;
  }

  /**
   * Holds the host's lock while `fn` runs. A lock whose holder died (a tool
   * killed at a timeout) is stale and taken over, as vzctl and xl do with
   * their lock files. Gives up after `waitMs`.
   */
  async locked(fn, waitMs = 15_000) {
    const lock = join(this.dir, '.lock');
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        mkdirSync(lock);
        writeFileSync(join(lock, 'pid'), String(process.pid));
        break;
      } catch (e) {
        if (e.code !== 'EEXIST') throw e;
        const pid = Number(readJson(join(lock, 'pid')) ?? 0);
        if (pid && !alive(pid)) rmSync(lock, { recursive: true, force: true });
        else if (Date.now() > deadline) throw new Error('lock timeout');
        else await sleep(pid ? 50 : 10);
      }
    }
    // A tool that exits with an error inside `fn` (process.exit) releases the lock too.
    const release = () => rmSync(lock, { recursive: true, force: true });
    process.once('exit', release);
    try {
      return await fn();
    } finally {
      process.removeListener('exit', release);
      release();
    }
  }
}

/** Exits with `code` after printing `message` on stderr, as the real tools report errors. */
export function fail(code, message) {
  process.stderr.write(message.endsWith('\n') ? message : `${message}\n`);
  process.exit(code);
}
