// The test side of the drbdadm simulator: a fresh shared state directory,
// resource files, per-host environments and faults. Removed on dispose.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DRBDADM_BIN = fileURLToPath(new URL('../bin', import.meta.url));

export class DrbdCluster {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'capsule-sim-drbd-'));
  }

  /** Writes /etc/drbd.d/RES.res as drbd.conf(5) has it: one `on HOST` block per host. */
  resource(name, hosts, { twoPrimaries = false } = {}) {
    mkdirSync(join(this.dir, 'drbd.d'), { recursive: true });
    const on = hosts.map((h, i) => `    on ${h} {\n        device    /dev/drbd0;\n        disk      /dev/vg0/${name};\n        meta-disk internal;\n        address   10.0.0.${i + 1}:7789;\n        node-id   ${i};\n    }\n`).join('');
    const net = twoPrimaries ? '    net {\n        allow-two-primaries yes;\n    }\n' : '';
    writeFileSync(join(this.dir, 'drbd.d', `${name}.res`), `resource ${name} {\n${net}${on}    connection-mesh {\n        hosts ${hosts.join(' ')};\n    }\n}\n`);
  }

  /** What a process needs to run drbdadm as `host`. */
  env(host) {
    return { CAPSULE_SIM_STATE: this.dir, CAPSULE_SIM_HOST: host, PATH: `${DRBDADM_BIN}:${process.env.PATH}` };
  }

  /** `disk` (content: a disk state at up), `open`, `standalone`, `refused` (content: how many times). */
  fault(host, res, kind, content = '') {
    mkdirSync(join(this.dir, 'faults'), { recursive: true });
    writeFileSync(join(this.dir, 'faults', `${host}.${res}.${kind}`), content);
  }

  clearFault(host, res, kind) {
    rmSync(join(this.dir, 'faults', `${host}.${res}.${kind}`), { force: true });
  }

  /** The kernel state of `res` on `host` ({ role, disk }), undefined while down. */
  kernel(host, res) {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'hosts', host, `${res}.json`), 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** Every drbdadm call, `HOST: drbdadm ARGS`. */
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
