// The test side of the sg_persist simulator: LUNs shared by simulated
// hosts (their registrations and reservation), in one state directory.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SG_PERSIST_BIN = fileURLToPath(new URL('../bin', import.meta.url));

export class SharedLuns {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'capsule-sim-sg-'));
    mkdirSync(join(this.dir, 'devices'));
  }

  file(dev) {
    return join(this.dir, 'devices', `${dev.replace(/\//g, '_')}.json`);
  }

  /** A LUN every host sees at `dev`, without registrations. */
  lun(dev, { vendor = 'LIO-ORG', product = 'disk0', revision = '4.0' } = {}) {
    writeFileSync(this.file(dev), JSON.stringify({ path: dev, vendor, product, revision, generation: 0, registrations: {}, reservation: null, unitAttention: [] }));
  }

  env(host) {
    return { CAPSULE_SIM_STATE: this.dir, CAPSULE_SIM_HOST: host, PATH: `${SG_PERSIST_BIN}:${process.env.PATH}` };
  }

  /** The LUN's PR state: { generation, registrations {host: decimal key}, reservation {host, key, type} | null, unitAttention [hosts] }. */
  state(dev) {
    return JSON.parse(readFileSync(this.file(dev), 'utf8'));
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
