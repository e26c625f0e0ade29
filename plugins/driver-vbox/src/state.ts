// VirtualBox's machine states (`VMState` of `showvminfo --machinereadable`)
// as capsule's status: every word VBoxManage can print, from its source
// (tooling/simulators/vboxmanage/corpus). Off states are down (a warning
// when the machine did not stop cleanly), transitions and pauses warn,
// a word not in the table warns with the word.
import type { ResourceStatus } from '@capsule/core';

/** The states in which the machine does not run here: stop has nothing to do, start boots (or restores) it. */
export const OFF = new Set(['poweroff', 'aborted', 'saved', 'aborted-saved', 'teleported']);

const TRANSITIONS = new Set([
  'starting', 'stopping', 'saving', 'restoring', 'teleporting', 'teleportingpausedvm', 'teleportingin', 'livesnapshotting', 'onlinesnapshotting',
  'deletingsnapshotlive', 'deletingsnapshotlivepaused', 'restoringsnapshot', 'deletingsnapshot', 'settingup', 'snapshotting', 'faulttolerantsyncing',
]);

export function statusOfVmState(name: string, state: string | undefined): ResourceStatus {
  if (state === undefined) return { status: 'down', log: [`warn: VirtualBox has no machine ${name} on this node`] };
  if (state === 'running') return { status: 'up', log: [] };
  if (state === 'poweroff') return { status: 'down', log: [] };
  // The source of a live migration: the machine runs on the destination now.
  if (state === 'teleported') return { status: 'down', log: [`info: machine ${name} was teleported to another host`] };
  if (OFF.has(state)) return { status: 'down', log: [`warn: machine ${name} is ${state}`] };
  if (state === 'paused') return { status: 'warn', log: [`warn: machine ${name} is paused`] };
  if (state === 'gurumeditation') return { status: 'warn', log: [`warn: machine ${name} is stuck (guru meditation)`] };
  if (TRANSITIONS.has(state)) return { status: 'warn', log: [`warn: machine ${name} is ${state}`] };
  return { status: 'warn', log: [`warn: machine ${name} is in a state capsule does not know: ${state}`] };
}
