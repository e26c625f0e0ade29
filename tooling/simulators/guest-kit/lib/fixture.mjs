// A simulated host for tests: its state directory, the environment that puts
// a simulator's bin/ first on PATH, and the files that inject faults, guest
// behaviours and boot/halt hooks. Removed on dispose.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This repository, whose built CLI a guest's agent runs. */
const REPO = fileURLToPath(new URL('../../../..', import.meta.url)).replace(/\/$/, '');

/**
 * Installs a capsule agent in a guest root as a package would: `svcmgr` in
 * usr/local/bin running this repository's build, and the launcher of an app
 * `shop` of service `svc` that marks itself up in the guest's root.
 */
export function installAgent(root, svc = 'web') {
  mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
  writeFileSync(join(root, 'usr/local/bin/svcmgr'), `#!/bin/sh\nexec ${process.execPath} ${REPO}/apps/cli/dist/bin/svcmgr.js "$@"\n`, { mode: 0o755 });
  mkdirSync(join(root, `etc/capsule/${svc}.d`), { recursive: true });
  writeFileSync(
    join(root, `etc/capsule/${svc}.d/shop`),
    '#!/bin/sh\n: "${CAPSULE_ROOT:?}"\ncase "$1" in start) touch "$CAPSULE_ROOT/shop.up";; stop) rm -f "$CAPSULE_ROOT/shop.up";; status) [ -e "$CAPSULE_ROOT/shop.up" ];; esac\n',
    { mode: 0o755 },
  );
}

export class SimHost {
  constructor(dir, binDir) {
    this.dir = dir;
    this.binDir = binDir;
  }

  /** `binDir` is the simulator's bin/ (an absolute path). */
  static create(binDir, prefix = 'capsule-sim-') {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    mkdirSync(join(dir, 'guests'));
    return new SimHost(dir, binDir);
  }

  /** What a command needs to run this host's tools: merge into the exec's env. */
  env() {
    return { PATH: `${this.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, CAPSULE_SIM_STATE: this.dir };
  }

  /** A behaviour of one guest: ignore-shutdown, never-ready, boot-delay, shutdown-delay. */
  flag(guest, what, content = '') {
    writeFileSync(join(this.dir, 'guests', `${guest}.${what}`), content);
  }

  /** `busy`, `denied`, `fail` or `slow SECONDS` for operation `op` (append ` once` to hit one call only). */
  fault(op, content, guest) {
    mkdirSync(join(this.dir, 'faults'), { recursive: true });
    writeFileSync(join(this.dir, 'faults', guest ? `${guest}.${op}` : op), content);
  }

  clearFault(op, guest) {
    rmSync(join(this.dir, 'faults', guest ? `${guest}.${op}` : op), { force: true });
  }

  /** An executable run with the guest's name when a guest boots or halts. */
  hook(event, script, guest) {
    mkdirSync(join(this.dir, 'hooks'), { recursive: true });
    const file = join(this.dir, 'hooks', guest ? `${guest}.${event}` : event);
    writeFileSync(file, script);
    chmodSync(file, 0o755);
  }

  /** Names another simulated host as `node` reaches it (a migration's destination). */
  peer(node, other) {
    mkdirSync(join(this.dir, 'peers'), { recursive: true });
    writeFileSync(join(this.dir, 'peers', node), other.dir);
  }

  /**
   * Sets fields of a guest's record as the tool would have left them (a
   * state word the tool prints, a machine that crashed): the test-side way
   * to put a guest in a state no command of the simulator reaches.
   */
  patchGuest(guest, patch) {
    const file = join(this.dir, 'guests', `${guest}.json`);
    writeFileSync(file, `${JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...patch }, null, 2)}\n`);
  }

  /** The guest's record as the simulator last wrote it (due transitions not applied). */
  record(guest) {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'guests', `${guest}.json`), 'utf8'));
    } catch {
      return undefined;
    }
  }

  calls() {
    try {
      return readFileSync(join(this.dir, 'calls.log'), 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  dispose() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
