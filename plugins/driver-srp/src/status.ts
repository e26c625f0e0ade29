// `srp -status NAME`: a header `NAME TYPE STATE SUBTYPE ROOTPATH` and one
// row; the state word reads through the declared table. Samples:
// tooling/simulators/srp/corpus.
import type { ResourceStatus } from '@capsule/core';
import { statusOfState, type StateTable } from '@capsule/driver-kit';

export interface SrpState {
  type: string;
  state: string;
  subtype: string;
  rootpath: string;
}

/** srp's container states as capsule reads them (the README's `## States`). */
export const STATES: StateTable = [
  { word: 'started', status: 'up', why: 'the container runs' },
  { word: 'stopped', status: 'down', why: 'the container is stopped: srp -start starts it' },
  { word: 'starting', status: 'warn', why: 'srp -start is bringing it up: not settled yet' },
  { word: 'stopping', status: 'warn', why: 'srp -stop is taking it down: not settled yet' },
  { word: 'maintenance', status: 'warn', why: 'software is being installed or removed in it: it cannot be started now' },
];

export function parseStatus(stdout: string, name: string): SrpState | undefined {
  for (const line of stdout.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[0] === name && f.length === 5) return { type: f[1]!, state: f[2]!, subtype: f[3]!, rootpath: f[4]! };
  }
  return undefined;
}

/** The resource status for a container's state, through the table; srp's word goes to the log. */
export function statusOf(name: string, s: SrpState | undefined, where: string): ResourceStatus {
  if (!s) return { status: 'down', log: [`warn: no container ${name} on ${where}`] };
  return statusOfState(STATES, `container ${name}`, s.state, 'srp -status');
}
