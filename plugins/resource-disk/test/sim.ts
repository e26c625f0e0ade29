// Hosts running the lvm and mdadm simulators (tooling/simulators) on one
// shared state directory: the same disks seen from several nodes.
import type { Exec } from '@capsule/core';
import { localExec } from '@capsule/transport';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = ['lvm', 'mdadm'].map((t) => fileURLToPath(new URL(`../../../tooling/simulators/${t}/bin`, import.meta.url))).join(':');

export interface SimWorld {
  state: string;
  /** The exec of one host: the simulators first on PATH, named CAPSULE_SIM_HOST. */
  host(name: string): Exec;
  dispose(): void;
}

export function simWorld(): SimWorld {
  const state = mkdtempSync(join(tmpdir(), 'capsule-disk-sim-'));
  return {
    state,
    host: (name) => (argv, o = {}) => localExec(argv, { ...o, env: { ...o.env, PATH: `${BIN}:${process.env['PATH'] ?? ''}`, CAPSULE_SIM_STATE: state, CAPSULE_SIM_HOST: name } }),
    dispose: () => rmSync(state, { recursive: true, force: true }),
  };
}
