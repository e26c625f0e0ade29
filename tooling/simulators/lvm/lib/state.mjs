// The simulated LVM2 world: metadata on the "shared disks" (VGs, their PVs,
// LVs and tags) seen alike by every host that shares CAPSULE_SIM_STATE, and
// per-host device-mapper state (which LVs are active here), as with real
// LVM without lvmlockd: one host learns nothing of another's activations.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const dir = process.env.CAPSULE_SIM_STATE;
if (!dir) {
  process.stderr.write('CAPSULE_SIM_STATE is not set: the lvm simulator keeps its state there\n');
  process.exit(2);
}
export const host = process.env.CAPSULE_SIM_HOST || hostname();
const hostDir = join(dir, 'hosts', host);
mkdirSync(hostDir, { recursive: true });

const metadataFile = join(dir, 'lvm-metadata.json');
const activeFile = join(hostDir, 'lvm-active.json');
const lockDir = join(dir, 'lvm.lock');

function readJson(file, empty) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : empty;
}

function writeJson(file, value) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 1));
  renameSync(tmp, file);
}

/** lvm2 serialises commands on a VG with a lock; one global lock is enough here (mkdir is atomic). */
export function withLock(fn) {
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      if (Date.now() > until) throw new Error(`lvm simulator: ${lockDir} held for 10 s`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  // process.exit (an lvm2 error inside the lock) runs no finally block: release on exit too.
  const release = () => rmdirSync(lockDir, { recursive: false });
  process.once('exit', release);
  const out = fn();
  process.removeListener('exit', release);
  release();
  return out;
}

/** { vgs: { NAME: { uuid, exported, clustered, tags: [], pvs: [], lvs: { NAME: { size, tags: [] } } } }, pvs: { PATH: { size } }, missing: [PATH] } */
export const loadMetadata = () => readJson(metadataFile, { vgs: {}, pvs: {}, missing: [] });
export const saveMetadata = (m) => writeJson(metadataFile, m);
/** ["vg/lv", ...] active on this host. */
export const loadActive = () => new Set(readJson(activeFile, []));
export const saveActive = (s) => writeJson(activeFile, [...s].sort());

/**
 * `activation/volume_list` of this host's lvm.conf: a file `hosts/HOST/volume_list`,
 * one entry a line ("@*" with `tags/hosttags = 1`: only what carries this host's tag).
 * Absent: every LV may be activated, lvm2's default.
 */
export function volumeList() {
  const f = join(hostDir, 'volume_list');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean) : undefined;
}

export function logCall(tool, argv) {
  appendFileSync(join(hostDir, 'calls'), `${[tool, ...argv].join(' ')}\n`);
}

export function fault(name) {
  return existsSync(join(hostDir, 'faults', name));
}
