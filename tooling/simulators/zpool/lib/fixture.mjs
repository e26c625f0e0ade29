// The test side of the zpool simulator: a state directory shared by
// simulated hosts, pools on "shared disks", faults. Removed on dispose.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ZPOOL_BIN = fileURLToPath(new URL('../bin', import.meta.url));

export class ZpoolDisks {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'capsule-sim-zpool-'));
  }

  /** A pool on the shared disks (`vdevs`, striped or one `mirror`), exported by `lastHost` (or left imported there when `importedOn` names it). */
  pool(name, { lastHost = 'hv0', importedOn = [], multihost = 'off', exported = importedOn.length === 0, vdevs = ['/dev/sdb'], layout = 'stripe' } = {}) {
    mkdirSync(join(this.dir, 'pools'), { recursive: true });
    writeFileSync(join(this.dir, 'pools', `${name}.json`), JSON.stringify({ name, size: '960M', multihost, importedOn, exported, lastHost, lastTime: Date.parse('2024-10-18T12:00:00Z'), vdevs, layout }));
  }

  env(host) {
    return { CAPSULE_SIM_STATE: this.dir, CAPSULE_SIM_HOST: host, PATH: `${ZPOOL_BIN}:${process.env.PATH}` };
  }

  /** `health` (content: DEGRADED, FAULTED, SUSPENDED...), `busy`. */
  fault(name, kind, content = '') {
    mkdirSync(join(this.dir, 'faults'), { recursive: true });
    writeFileSync(join(this.dir, 'faults', `${name}.${kind}`), content);
  }

  clearFault(name, kind) {
    rmSync(join(this.dir, 'faults', `${name}.${kind}`), { force: true });
  }

  state(name) {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'pools', `${name}.json`), 'utf8'));
    } catch {
      return undefined;
    }
  }

  calls() {
    try {
      return readFileSync(join(this.dir, 'calls.log'), 'utf8').trimEnd().split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  dispose() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
