// The test side of a simulated host: a fresh state directory, the
// environment that puts a simulator first on PATH, and the knobs a test
// turns (faults, boot/halt hooks, peers). Removed on dispose.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

export class SimHost {
  /** `bin` is the simulator's bin directory (put first on PATH). */
  constructor(bin) {
    this.bin = bin;
    this.dir = mkdtempSync(join(tmpdir(), `capsule-sim-${basename(dirname(bin))}-`));
    mkdirSync(join(this.dir, 'guests'), { recursive: true });
  }

  /** What a driver's exec needs to run the simulated tools of this host. */
  get env() {
    return { CAPSULE_SIM_STATE: this.dir, PATH: `${this.bin}:${process.env.PATH}` };
  }

  /** A path under the host's root as the simulator sees it (`etc/vz/conf`). */
  path(...parts) {
    return join(this.dir, ...parts);
  }

  /** `busy`, `denied`, `slow` (content: seconds), `ignore-shutdown`, ...; for one guest when `guest` is given. */
  fault(kind, guest, content = '') {
    mkdirSync(join(this.dir, 'faults'), { recursive: true });
    writeFileSync(join(this.dir, 'faults', guest ? `${guest}.${kind}` : kind), content);
  }

  clearFault(kind, guest) {
    rmSync(join(this.dir, 'faults', guest ? `${guest}.${kind}` : kind), { force: true });
  }

  /** A shell command the simulator runs when `guest` boots or halts. */
  hook(guest, event, command) {
    mkdirSync(join(this.dir, 'hooks'), { recursive: true });
    writeFileSync(join(this.dir, 'hooks', `${guest}.${event}`), `${command}\n`);
  }

  /** Makes `name` (as given to `xl migrate`, `vzmigrate`) reach `other`. */
  peer(name, other) {
    mkdirSync(join(this.dir, 'peers'), { recursive: true });
    writeFileSync(join(this.dir, 'peers', name), other.dir);
  }

  /** The simulator's record of a guest, or undefined. */
  guest(name) {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'guests', `${name}.json`), 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** Changes a guest's record as the technology would (a domain that crashed: `{ flags: '---sc-' }` for xl, `'----c-'` for xm). */
  patchGuest(name, patch) {
    const file = join(this.dir, 'guests', `${name}.json`);
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...patch }, null, 2));
  }

  /** The tool invocations so far, one argv line each. */
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
