// The hpvm simulator as these tests use it: its bin directory first on PATH.
import type { Exec } from '@capsule/core';
import { REPO_ROOT } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { dirname, join } from 'node:path';

export const SIM_BIN = join(REPO_ROOT, 'tooling/simulators/hpvm/bin');
/** PATH on the simulated VM Host: the simulator, then the system's (node included). */
export const SIM_PATH = `${SIM_BIN}:${dirname(process.execPath)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;

/** Runs the tools here, as on a VM Host whose state is in `stateDir`. */
export function simExec(stateDir: string): Exec {
  return (argv, o) => localExec(argv, { ...o, env: { PATH: SIM_PATH, CAPSULE_SIM_STATE: stateDir, ...o?.env } });
}
