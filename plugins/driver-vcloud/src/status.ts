// A Cloud Director VM's numeric `status` and its tasks' `status` words, read
// as capsule reads them: the VM's code to up/down/warn with the code's name
// in the log, a task to under way or ended (and how). Samples:
// tooling/simulators/vcloud/corpus.
import type { ResourceStatus } from '@capsule/core';
import { statusOfState, type StateTable } from '@capsule/driver-kit';

/** The `status` codes (ResourceEntityType) by name. */
const NAMES: Record<number, string> = {
  [-1]: 'FAILED_CREATION',
  0: 'UNRESOLVED',
  1: 'RESOLVED',
  2: 'DEPLOYED',
  3: 'SUSPENDED',
  4: 'POWERED_ON',
  5: 'WAITING_FOR_INPUT',
  6: 'UNKNOWN',
  7: 'UNRECOGNIZED',
  8: 'POWERED_OFF',
  9: 'INCONSISTENT_STATE',
  10: 'MIXED',
  11: 'DESCRIPTOR_PENDING',
  12: 'COPYING_CONTENTS',
  13: 'DISK_CONTENTS_PENDING',
  14: 'QUARANTINED',
  15: 'QUARANTINE_EXPIRED',
  16: 'REJECTED',
  17: 'TRANSFER_TIMEOUT',
  18: 'VAPP_UNDEPLOYED',
  19: 'VAPP_PARTIALLY_DEPLOYED',
  20: 'PARTIALLY_POWERED_OFF',
  21: 'PARTIALLY_SUSPENDED',
};

export const POWERED_ON = 4;

/** A VM's status code as one word: `NAME (code)`, or the bare code a later release added. */
export function vmWord(code: number): string {
  const name = NAMES[code];
  return name === undefined ? String(code) : `${name} (${code})`;
}

const upload = 'an upload state (of templates and media), not a running VM';
const vapp = "a vApp's state, not one VM's: capsule cannot tell whether this VM runs";

/** Every status code as capsule reads it (the README's `## States`). */
export const STATES: StateTable = [
  { word: 'FAILED_CREATION (-1)', status: 'warn', why: 'could not be created: nothing to run' },
  { word: 'UNRESOLVED (0)', status: 'warn', why: 'being created or imported: not all its files are there' },
  { word: 'RESOLVED (1)', status: 'down', why: 'created, not deployed: powered off; start powers it on' },
  { word: 'DEPLOYED (2)', status: 'down', why: 'deployed, not powered on; start powers it on' },
  { word: 'SUSPENDED (3)', status: 'down', note: 'info', why: 'suspended: its memory on disk, not running; start (powerOn) resumes it' },
  { word: 'POWERED_ON (4)', status: 'up', why: 'powered on' },
  { word: 'WAITING_FOR_INPUT (5)', status: 'warn', why: 'vSphere asks a question about it and waits for an answer (the tenant portal)' },
  { word: 'UNKNOWN (6)', status: 'warn', why: 'Cloud Director cannot tell its state' },
  { word: 'UNRECOGNIZED (7)', status: 'warn', why: 'vSphere reports a state Cloud Director does not recognize' },
  { word: 'POWERED_OFF (8)', status: 'down', why: 'powered off' },
  { word: 'INCONSISTENT_STATE (9)', status: 'warn', why: 'Cloud Director and vSphere disagree about it' },
  { word: 'MIXED (10)', status: 'warn', why: 'its children do not all have the same status' },
  { word: 'DESCRIPTOR_PENDING (11)', status: 'warn', why: upload },
  { word: 'COPYING_CONTENTS (12)', status: 'warn', why: upload },
  { word: 'DISK_CONTENTS_PENDING (13)', status: 'warn', why: upload },
  { word: 'QUARANTINED (14)', status: 'warn', why: upload },
  { word: 'QUARANTINE_EXPIRED (15)', status: 'warn', why: upload },
  { word: 'REJECTED (16)', status: 'warn', why: upload },
  { word: 'TRANSFER_TIMEOUT (17)', status: 'warn', why: upload },
  { word: 'VAPP_UNDEPLOYED (18)', status: 'warn', why: vapp },
  { word: 'VAPP_PARTIALLY_DEPLOYED (19)', status: 'warn', why: vapp },
  { word: 'PARTIALLY_POWERED_OFF (20)', status: 'warn', why: 'partly powered off (Cloud Director 10.3+): not all of it runs' },
  { word: 'PARTIALLY_SUSPENDED (21)', status: 'warn', why: 'partly suspended: not all of it runs' },
];

/** capsule's status of VM `name` whose status code is `code`; a code not in the table warns with it. */
export function statusOfVm(name: string, code: number): ResourceStatus {
  return statusOfState(STATES, `VM ${name}`, vmWord(code), 'Cloud Director');
}

/** A task's `status` while it is under way; postRunning is a task whose work is done but which has not ended. */
const UNDER_WAY = new Set(['queued', 'preRunning', 'running', 'postRunning']);

export function taskUnderWay(status: string | undefined): boolean {
  return UNDER_WAY.has(status as string);
}

export interface TaskState {
  status?: string;
  operationName?: string;
  error?: { message?: string; minorErrorCode?: string };
}

/** How an ended task ended: only success is done; error, aborted, canceled (or a word a later release adds) is not, in Cloud Director's words when it gave any. */
export function taskOutcome(t: TaskState): { ok: true } | { ok: false; message: string } {
  if (t.status === 'success') return { ok: true };
  return { ok: false, message: t.error?.message ?? `task ${t.operationName ?? ''} is ${t.status ?? 'unknown'}` };
}
