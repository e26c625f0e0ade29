// Test-side helpers: make a simulated host (a state directory), define
// guests in it, inject faults, wire hooks and peers, read the call log.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class SimHost {
  constructor(dir) {
    this.dir = dir;
  }

  static create(prefix = 'capsule-sim-') {
    return new SimHost(mkdtempSync(join(tmpdir(), prefix)));
  }

  /** The environment a tool of this host runs with. */
  env(extra = {}) {
    return { CAPSULE_SIM_STATE: this.dir, ...extra };
  }

  define(name, record) {
    mkdirSync(join(this.dir, 'guests'), { recursive: true });
    writeFileSync(join(this.dir, 'guests', `${name}.json`), JSON.stringify(record, null, 2));
  }

  guest(name) {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'guests', `${name}.json`), 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** `kind` for every guest, or only for `guest`; content such as seconds for `slow`. */
  fault(kind, content = '', guest) {
    mkdirSync(join(this.dir, 'faults'), { recursive: true });
    writeFileSync(join(this.dir, 'faults', guest ? `${guest}.${kind}` : kind), content);
  }

  clearFault(kind, guest) {
    rmSync(join(this.dir, 'faults', guest ? `${guest}.${kind}` : kind), { force: true });
  }

  /** A shell script run as `hooks/KIND GUEST` when a guest boots or halts. */
  hook(kind, script) {
    mkdirSync(join(this.dir, 'hooks'), { recursive: true });
    const file = join(this.dir, 'hooks', kind);
    writeFileSync(file, `#!/bin/sh\n${script}\n`);
    chmodSync(file, 0o755);
  }

  /** Another simulated host, reached by name (migration destination). */
  peer(host, other) {
    mkdirSync(join(this.dir, 'peers'), { recursive: true });
    writeFileSync(join(this.dir, 'peers', host), other.dir);
  }

  calls() {
    try {
      return readFileSync(join(this.dir, 'calls.log'), 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  clearCalls() {
    rmSync(join(this.dir, 'calls.log'), { force: true });
  }

  dispose() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
