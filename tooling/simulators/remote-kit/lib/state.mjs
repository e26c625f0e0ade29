// The state a simulator keeps between calls, in the directory named by
// CAPSULE_SIM_STATE (read here only): guests/NAME.json records, faults/
// files the test writes (busy, denied, slow, ignore-shutdown), hooks/boot
// and hooks/halt run when a guest starts or stops, peers/HOST naming the
// state directory of another simulated host, and calls.log, one line per call.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Ends the process the way the real tool does: message on stderr, exit code. */
export function fail(code, message) {
  if (message) process.stderr.write(message.endsWith('\n') ? message : `${message}\n`);
  process.exit(code);
}

export function stateDir() {
  const dir = process.env.CAPSULE_SIM_STATE;
  if (!dir) fail(2, 'simulator: CAPSULE_SIM_STATE is not set (the directory holding the simulated host)');
  return dir;
}

/** Blocks without spinning: the tools are synchronous programs. */
export function sleep(seconds) {
  if (seconds > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

export function logCall(dir, tool, argv) {
  appendFileSync(join(dir, 'calls.log'), `${[tool, ...argv].join(' ')}\n`);
}

function guestFile(dir, name) {
  return join(dir, 'guests', `${name}.json`);
}

export function readGuest(dir, name) {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return undefined;
  try {
    return JSON.parse(readFileSync(guestFile(dir, name), 'utf8'));
  } catch (e) {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  }
}

export function writeGuest(dir, name, record) {
  mkdirSync(join(dir, 'guests'), { recursive: true });
  const file = guestFile(dir, name);
  writeFileSync(`${file}.${process.pid}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${file}.${process.pid}.tmp`, file);
}

export function removeGuest(dir, name) {
  try {
    unlinkSync(guestFile(dir, name));
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
}

export function listGuests(dir) {
  try {
    return readdirSync(join(dir, 'guests'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort();
  } catch {
    return [];
  }
}

/**
 * A fault the test injected: `faults/KIND` for every guest or
 * `faults/GUEST.KIND` for one. Returns the file's trimmed content ('' when
 * empty), or undefined when the fault is not set.
 */
export function fault(dir, kind, guest) {
  for (const f of [guest ? `${guest}.${kind}` : undefined, kind]) {
    if (!f) continue;
    try {
      return readFileSync(join(dir, 'faults', f), 'utf8').trim();
    } catch {
      // not set
    }
  }
  return undefined;
}

/** Seconds from a fault file, with a default when the file is empty. */
export function faultSeconds(dir, kind, guest, fallback) {
  const v = fault(dir, kind, guest);
  if (v === undefined) return undefined;
  const n = Number(v);
  return v === '' || !Number.isFinite(n) ? fallback : n;
}

/**
 * Runs `hooks/KIND GUEST` when the test configured it (a guest's sshd
 * starting or stopping with the guest). Returns the failure text, if any.
 */
export function runHook(dir, kind, guest) {
  const hook = join(dir, 'hooks', kind);
  if (!existsSync(hook)) return undefined;
  const r = spawnSync(hook, [guest], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  if (r.status === 0) return undefined;
  return (r.stderr || r.stdout || `hook ${kind} ended with ${r.status ?? r.signal}`).trim();
}

/** The state directory of another simulated host, from peers/HOST. */
export function peerDir(dir, host) {
  try {
    return readFileSync(join(dir, 'peers', host), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serializes state changes of one host, as the real daemons do (hpvmsar,
 * ldmd, srp's database lock). A lock left by a dead simulator is broken
 * after 30 s.
 */
export function withLock(dir, fn) {
  const lock = join(dir, '.lock');
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (Date.now() > deadline || age > 30_000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      sleep(0.02);
    }
  }
  // fail() inside fn exits the process without running finally blocks.
  const release = () => rmSync(lock, { recursive: true, force: true });
  process.once('exit', release);
  try {
    return fn();
  } finally {
    process.off('exit', release);
    release();
  }
}

/** Whether the caller may manage guests: root, unless the test injects `denied`. */
export function denied(dir, guest) {
  return fault(dir, 'denied', guest) !== undefined || (typeof process.getuid === 'function' && process.getuid() !== 0);
}

/** A guest another call is changing; a claim of a killed call does not count. */
export function busyWith(record) {
  if (!record?.busy) return undefined;
  try {
    process.kill(record.busy.pid, 0);
    return record.busy.op;
  } catch {
    return undefined;
  }
}

/**
 * One state change as the real tools make it: under the lock, the guest must
 * exist (`missing` fails otherwise), not be busy (the `busy` fault or another
 * call) and pass `check` (an error message fails); it is marked busy with the
 * `during` fields, then after `delay` seconds and the boot/halt `hook` it
 * takes the `after` fields. A failed hook leaves the guest as it was.
 */
export function transition(dir, name, t) {
  const before = withLock(dir, () => {
    const r = readGuest(dir, name);
    if (!r) t.missing();
    if (fault(dir, 'busy', name) !== undefined || busyWith(r)) fail(1, t.busy);
    const problem = t.check(r);
    if (problem) fail(t.checkCode ?? 1, problem);
    writeGuest(dir, name, { ...r, ...t.during, busy: { op: t.op, pid: process.pid } });
    return r;
  });
  sleep(t.delay ?? 0);
  const hookError = t.hook ? runHook(dir, t.hook, name) : undefined;
  withLock(dir, () => {
    const { busy: _, ...now } = readGuest(dir, name) ?? before;
    writeGuest(dir, name, hookError ? { ...before, busy: undefined } : { ...now, ...t.after });
  });
  if (hookError) fail(1, `${t.hookFailed ?? 'operation failed'}: ${hookError}`);
}

/** `-P NAME`-style options: the value after `flag`, or undefined. */
export function option(argv, flag) {
  const i = argv.indexOf(flag);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : undefined;
}
