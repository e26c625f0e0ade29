// A Nova server's `status` and `OS-EXT-STS:task_state` to capsule's
// up/down/warn, with Nova's words in the log. Nova folds most tasks into the
// status (nova/api/openstack/common.py `_STATE_MAP`: rebooting is REBOOT);
// the tasks it leaves out (powering-off, image_snapshot, shelving...) show
// as ACTIVE or SHUTOFF, and such a server is mid-change, never plainly up or
// down. Samples: tooling/simulators/openstack/corpus.
import type { ResourceStatus } from '@capsule/core';
import { stateRow, statusOfState, type StateRow, type StateTable } from '@capsule/driver-kit';

/**
 * Nova's statuses (api-ref "List Servers"), and the tasks capsule itself
 * runs, as capsule reads them (the README's `## States`). A down state
 * capsule's start refuses is noted as a warning: the service cannot start
 * there until someone acts.
 */
export const STATES: StateTable = [
  { word: 'ACTIVE', status: 'up', why: 'running, no task under way' },
  { word: 'BUILD', status: 'warn', why: 'being built: not yet running' },
  { word: 'DELETED', status: 'down', why: 'deleted: it does not run', note: 'warn' },
  { word: 'ERROR', status: 'warn', why: 'Nova marked it in error: it may or may not run (openstack server show: fault)' },
  { word: 'HARD_REBOOT', status: 'warn', why: 'hard rebooting: power-cycled, not serving until back' },
  { word: 'MIGRATING', status: 'warn', why: 'live migrating to another host: it runs, moving' },
  { word: 'PASSWORD', status: 'warn', why: 'running, its admin password being reset' },
  { word: 'PAUSED', status: 'warn', why: 'paused in memory, not serving; capsule starts SHUTOFF servers only (openstack server unpause)' },
  { word: 'REBOOT', status: 'warn', why: 'soft rebooting: the guest restarts, not serving until back' },
  { word: 'REBUILD', status: 'warn', why: 'being rebuilt from an image' },
  { word: 'RESCUE', status: 'warn', why: 'a rescue image runs instead of its own disk: not the service' },
  { word: 'RESIZE', status: 'warn', why: 'being resized or cold migrated: down for this stage' },
  { word: 'REVERT_RESIZE', status: 'warn', why: 'a failed resize or migration being reverted: the original restarts' },
  { word: 'SHELVED', status: 'down', why: 'shelved: powered off; capsule starts SHUTOFF servers only (openstack server unshelve)', note: 'warn' },
  { word: 'SHELVED_OFFLOADED', status: 'down', why: 'shelved and removed from its host: it does not run (openstack server unshelve)', note: 'warn' },
  { word: 'SHUTOFF', status: 'down', why: 'powered off: start runs os-start' },
  { word: 'SOFT_DELETED', status: 'down', why: 'deleted, still restorable: it does not run', note: 'warn' },
  { word: 'SUSPENDED', status: 'down', why: 'suspended to disk: it does not run; capsule starts SHUTOFF servers only (openstack server resume)', note: 'warn' },
  { word: 'UNKNOWN', status: 'warn', why: 'Nova cannot tell (the cell or compute host is down): it may run' },
  { word: 'VERIFY_RESIZE', status: 'warn', why: 'resized or migrated and running, waiting for confirm or revert' },
  { word: 'ACTIVE (powering-off)', status: 'warn', why: 'os-stop under way: not yet SHUTOFF' },
  { word: 'SHUTOFF (powering-on)', status: 'warn', why: 'os-start under way: not yet running' },
];

/** What capsule reads of `GET /servers/{id}`. */
export interface ServerState {
  status: string;
  'OS-EXT-STS:task_state'?: string | null;
}

/** The server's state as one word: `STATUS`, or `STATUS (task_state)` while a task runs. */
export function serverWord(s: ServerState): string {
  const task = s['OS-EXT-STS:task_state'];
  return task ? `${s.status} (${task})` : s.status;
}

/**
 * The row of the server's state: its own, else its status's. A task on a
 * status that reads up or down is a change under way (warn); on any other
 * status the status's reason holds, with the task named.
 */
export function serverRow(s: ServerState): StateRow | undefined {
  const word = serverWord(s);
  const exact = stateRow(STATES, word);
  if (exact) return exact;
  const base = stateRow(STATES, s.status);
  if (!base) return undefined;
  if (base.status === 'warn') return { ...base, word };
  return { word, status: 'warn', why: `Nova's task ${s['OS-EXT-STS:task_state']} is under way` };
}

/** capsule's status of server `name`; a status Nova did not print before is warn with its word. */
export function statusOfServer(name: string, s: ServerState): ResourceStatus {
  const row = serverRow(s);
  return statusOfState(row ? [row] : STATES, `server ${name}`, serverWord(s), 'Nova');
}
