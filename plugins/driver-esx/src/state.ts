// What vCenter's REST answers say, read without I/O: a VM's power state
// (GET /api/vcenter/vm/{vm}/power) mapped to capsule's status with
// vCenter's own word in the log, the VM list, and what a guest shutdown's
// answer means. Samples: tooling/simulators/vsphere/corpus.
import type { ResourceStatus } from '@capsule/core';
import type { StateTable } from '@capsule/driver-kit';

/** vCenter's power states as capsule reads them (the README's `## States`); the API documents no other. */
export const STATES: StateTable = [
  { word: 'POWERED_ON', status: 'up', why: 'running' },
  { word: 'POWERED_OFF', status: 'down', why: 'powered off' },
  { word: 'SUSPENDED', status: 'warn', why: 'suspended: its memory is on disk, start resumes it, stop powers it off' },
];

/** The word of a VM vCenter does not know (it was removed between the list and the power call). */
export const MISSING = 'MISSING';

/** The power state word of a power answer, or a description of a body that carries none. */
export function parsePower(json: unknown): string {
  const state = (json as { state?: unknown } | undefined)?.state;
  return typeof state === 'string' ? state : `no state in ${JSON.stringify(json) ?? 'an empty answer'}`;
}

/** Whether a powered-off VM stopped uncleanly: vCenter's clean_power_off is false ("crashed unexpectedly"). */
export function crashed(json: unknown): boolean {
  return (json as { clean_power_off?: unknown } | undefined)?.clean_power_off === false;
}

/**
 * The status of VM `name` in power state `word`: up and down say the word
 * at info level; SUSPENDED (and a crash) warn with the word and why; a word
 * the API does not document warns with it, never up, never an exception.
 */
export function statusOfPower(name: string, word: string, o: { crashed?: boolean } = {}): ResourceStatus {
  if (word === MISSING) return { status: 'down', log: [`info: vCenter no longer knows ${name}`] };
  const row = STATES.find((r) => r.word === word);
  if (!row) return { status: 'warn', log: [`warn: ${name} is in a power state capsule does not know: vCenter says ${word}`] };
  if (row.status === 'warn') return { status: 'warn', log: [`warn: ${name} is ${word} (vCenter): ${row.why}`] };
  if (o.crashed && word === 'POWERED_OFF') return { status: 'down', log: [`info: ${word}`, `warn: ${name} was not powered off cleanly (clean_power_off false): it crashed or was cut off`] };
  return { status: row.status, log: [`info: ${word}`] };
}

export interface VmSummary {
  vm: string;
  name: string;
  power_state: string;
}

/** The VMs of a list answer named `name` exactly; undefined when the answer is not a list of VM summaries. */
export function vmsNamed(json: unknown, name: string): VmSummary[] | undefined {
  if (!Array.isArray(json)) return undefined;
  // Optional chaining covers null; a JSON number, string or boolean has no vm property, so no typeof 'object' check is needed.
  const vms = json.filter((v): v is VmSummary => typeof (v as Partial<VmSummary> | null)?.vm === 'string' && typeof (v as VmSummary).name === 'string');
  if (vms.length !== json.length) return undefined;
  return vms.filter((v) => v.name === name);
}

/** What a guest shutdown's answer means: asked, already off (nothing to do), or refused (power it off). */
export type GuestShutdown = 'asked' | 'off' | 'refused';

/**
 * The outcome of POST guest/power?action=shutdown: 204 asked; vCenter says
 * ALREADY_IN_DESIRED_STATE "if the virtual machine is not powered on" (it
 * went off meanwhile); anything else (no Tools, suspended, busy) refused.
 */
export function guestShutdownOutcome(status: number, errorType: string | undefined): GuestShutdown {
  if (status === 204 || status === 200) return 'asked';
  return errorType === 'ALREADY_IN_DESIRED_STATE' ? 'off' : 'refused';
}
