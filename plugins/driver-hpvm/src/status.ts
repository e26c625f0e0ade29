// `hpvmstatus -M -P NAME`: one machine-readable line, colon-separated major
// fields (semicolons separate subfields); the run state is field 10 and the
// boot attribute field 11, the positions OpenSVC's driver reads. The run
// state reads through the declared table. Samples: tooling/simulators/hpvm/corpus.
import type { ResourceStatus } from '@capsule/core';
import { statusOfState, type StateTable } from '@capsule/driver-kit';

export interface HpvmState {
  /** `On`, `Off`, or another run state word of hpvmstatus. */
  state: string;
  boot: string;
}

/**
 * hpvmstatus's run states as capsule reads them (the README's `## States`).
 * Only the two words a source shows in field 10 are here; any other word
 * (HP's guides name booting, crashed and migrating guests, but no source
 * found shows the word -M prints for them) reads warn with the word.
 */
export const STATES: StateTable = [
  { word: 'On', status: 'up', why: 'the virtual machine runs' },
  { word: 'Off', status: 'down', why: 'the virtual machine is stopped: hpvmstart starts it' },
];

export function parseMachineLine(stdout: string): HpvmState | undefined {
  // split always yields a first element: the first line, '' for empty output.
  const fields = stdout.trim().split('\n')[0]!.split(':');
  if (fields.length < 12 || !fields[10]) return undefined;
  return { state: fields[10].trim(), boot: fields[11]!.trim() };
}

/** The resource status for a run state, through the table; hpvmstatus's word goes to the log. */
export function statusOf(name: string, s: HpvmState | undefined, where: string): ResourceStatus {
  if (!s) return { status: 'down', log: [`warn: no guest ${name} on ${where}`] };
  return statusOfState(STATES, `guest ${name}`, s.state, 'hpvmstatus -M');
}
