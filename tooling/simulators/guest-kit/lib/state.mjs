// The simulated host's state between calls of its tools, in the directory
// named by CAPSULE_SIM_STATE (read here and nowhere else):
//   guests/NAME.json      one record per guest, with `state` and an optional
//                         `next` transition that falls due at a time (a guest
//                         that powers off some time after an ACPI request)
//   guests/NAME.FLAG      behaviours of one guest the test chose
//                         (ignore-shutdown, never-ready, shutdown-delay)
//   faults/OP, GUEST.OP   faults of the next calls of an operation
//   hooks/EVENT, GUEST.EVENT  run when a guest boots or halts
//   peers/NODE            the state directory of another simulated host
//   calls.log             one line per call, for tests that check the argv
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Ends the tool as the real one does: its words on stderr, its exit code. */
export function die(code, ...lines) {
  for (const l of lines) process.stderr.write(`${l}\n`);
  process.exit(code);
}

export function hostDir() {
  const dir = process.env.CAPSULE_SIM_STATE;
  if (!dir) die(3, 'simulator: CAPSULE_SIM_STATE does not name the simulated host directory');
  mkdirSync(join(dir, 'guests'), { recursive: true });
  return dir;
}

/** The tools are synchronous programs: block without spinning. */
export function pause(seconds) {
  if (seconds > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

export function logCall(dir, argv) {
  appendFileSync(join(dir, 'calls.log'), `${argv.join(' ')}\n`);
}

const VALID_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const recordFile = (dir, name) => join(dir, 'guests', `${name}.json`);

export function guestNames(dir) {
  return readdirSync(join(dir, 'guests'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/**
 * A guest's record, its due transition applied first (with its hook), or
 * undefined for a guest the host does not know. Call under `locked`.
 */
export function load(dir, name) {
  if (!VALID_NAME.test(name)) return undefined;
  let rec;
  try {
    rec = JSON.parse(readFileSync(recordFile(dir, name), 'utf8'));
  } catch (e) {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  }
  if (rec.next && Date.now() >= rec.next.at) {
    const { state, event } = rec.next;
    delete rec.next;
    rec.state = state;
    rec.changedAt = new Date().toISOString();
    save(dir, name, rec);
    if (event) runHook(dir, event, name);
  }
  return rec;
}

export function save(dir, name, rec) {
  const file = recordFile(dir, name);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(rec, null, 2)}\n`);
  renameSync(tmp, file);
}

export function drop(dir, name) {
  rmSync(recordFile(dir, name), { force: true });
}

/** The state directory of the simulated host `node` names (peers/NODE), for calls that reach another host. */
export function peerDir(dir, node) {
  try {
    return readFileSync(join(dir, 'peers', node), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A behaviour of one guest the test set: the flag file's content ('' when empty), or undefined. */
export function flag(dir, name, what) {
  try {
    return readFileSync(join(dir, 'guests', `${name}.${what}`), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * A fault the test injected for operation `op` (`faults/GUEST.OP` first,
 * then `faults/OP`): `busy`, `denied`, `fail`, or `slow SECONDS` (the
 * call takes that long, then does its work). A file whose second word is
 * `once` is consumed by the call that meets it.
 */
export function fault(dir, op, guest) {
  for (const f of [guest && `${guest}.${op}`, op].filter(Boolean)) {
    const file = join(dir, 'faults', f);
    let text;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch {
      continue;
    }
    const words = text.split(/\s+/);
    if (words.includes('once')) unlinkSync(file);
    const seconds = Number(words[1]);
    return { kind: words[0] || 'fail', seconds: Number.isFinite(seconds) ? seconds : 1 };
  }
  return undefined;
}

/** Runs `slow` faults (a delay before the work) and returns the others for the tool to word. */
export function faultBefore(dir, op, guest) {
  const f = fault(dir, op, guest);
  if (f?.kind === 'slow') {
    pause(f.seconds);
    return undefined;
  }
  return f;
}

/**
 * Runs hooks/GUEST.EVENT, else hooks/EVENT, with the guest's name: what the
 * test attaches to a boot or a halt (a guest's sshd that serves only while
 * it runs). Its output goes to hooks.log, never to the tool's own output;
 * a failing hook is logged there and does not change the tool's answer.
 */
export function runHook(dir, event, name) {
  const hook = [join(dir, 'hooks', `${name}.${event}`), join(dir, 'hooks', event)].find((h) => existsSync(h));
  if (!hook) return;
  const log = openSync(join(dir, 'hooks.log'), 'a');
  try {
    const r = spawnSync(hook, [name], { stdio: ['ignore', log, log], timeout: 30_000 });
    if (r.status !== 0) appendFileSync(join(dir, 'hooks.log'), `${hook} ${name}: exit ${r.status ?? r.signal}\n`);
  } finally {
    closeSync(log);
  }
}

/**
 * Serializes the calls on one host, as the real tools serialize on their
 * daemon or lock file. A lock left by a killed call is broken after 20 s.
 */
export function locked(dir, fn) {
  const lock = join(dir, '.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > 20_000) rmSync(lock, { recursive: true, force: true });
      else pause(0.01);
    }
  }
  // die() inside fn exits without running finally blocks.
  const release = () => rmSync(lock, { recursive: true, force: true });
  process.once('exit', release);
  try {
    return fn();
  } finally {
    process.off('exit', release);
    release();
  }
}
