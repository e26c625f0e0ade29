// What `lxc-info` says of a container, read as capsule's status. LXC's
// states are lxc_state_t (src/lxc/state.c: STOPPED, STARTING, RUNNING,
// STOPPING, ABORTING, FREEZING, FROZEN, THAWED); `lxc-info` prints one of
// them on its `State:` line.
import type { ResourceStatus } from '@capsule/core';
import { statusOfState, type StateTable } from '@capsule/driver-kit';

/** LXC's states as capsule reads them (the README's `## States`). */
export const STATES: StateTable = [
  { word: 'RUNNING', status: 'up', why: 'its init runs' },
  { word: 'STOPPED', status: 'down', why: 'defined, not running' },
  { word: 'FROZEN', status: 'warn', why: 'frozen (lxc-freeze): its processes do not run; start thaws it' },
  { word: 'FREEZING', status: 'warn', why: 'being frozen' },
  { word: 'THAWED', status: 'warn', why: 'being thawed (a monitor state lxc-info shows only in passing)' },
  { word: 'STARTING', status: 'warn', why: 'starting: not yet running' },
  { word: 'STOPPING', status: 'warn', why: 'stopping: not yet stopped' },
  { word: 'ABORTING', status: 'warn', why: 'a failed start being torn down' },
];

/** The word of lxc-info's `State:` line, or undefined when there is none. */
export function parseLxcInfo(stdout: string): { state: string | undefined; links: string[] } {
  return { state: /^State:\s+(\S+)/m.exec(stdout)?.[1], links: [...stdout.matchAll(/^Link:\s+(\S+)/gm)].map((m) => m[1]!) };
}

export function statusOfLxcState(name: string, state: string | undefined): ResourceStatus {
  if (state === undefined) return { status: 'warn', log: [`warn: lxc-info printed no state for container ${name}`] };
  return statusOfState(STATES, `container ${name}`, state, 'lxc-info');
}
