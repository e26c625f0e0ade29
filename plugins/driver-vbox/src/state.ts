// VirtualBox's machine states (`VMState` of `showvminfo --machinereadable`)
// as capsule's status, and the parser of that output: every word VBoxManage
// can print, from its source (tooling/simulators/vboxmanage/corpus). Pure:
// no I/O, so the table test covers every row and branch.
import type { ResourceStatus } from '@capsule/core';
import { statusOfState, type StateTable } from '@capsule/driver-kit';

/** VBoxManage's VMState words as capsule reads them (the README's `## States`). */
export const STATES: StateTable = [
  { word: 'poweroff', status: 'down', why: 'powered off: start boots it' },
  { word: 'saved', status: 'down', why: 'its state saved to disk (savestate): start restores it', note: 'info' },
  { word: 'teleported', status: 'down', why: 'teleported to another host and powered off here: the guest runs there', note: 'info' },
  { word: 'aborted', status: 'down', why: 'its VM process died (crash or kill): start boots it afresh', note: 'warn' },
  { word: 'aborted-saved', status: 'down', why: 'its VM process died, a saved state kept (VirtualBox 7): start restores it', note: 'warn' },
  { word: 'running', status: 'up', why: 'running' },
  { word: 'paused', status: 'warn', why: 'paused (controlvm pause): start resumes it' },
  { word: 'gurumeditation', status: 'warn', why: 'stuck on a fatal error (guru meditation): its VM process holds it until powered off' },
  { word: 'teleporting', status: 'warn', why: 'sending its running state to another host' },
  { word: 'livesnapshotting', status: 'up', why: 'running while a snapshot is taken' },
  { word: 'starting', status: 'warn', why: 'powering on: not yet running' },
  { word: 'stopping', status: 'warn', why: 'powering off: not yet off' },
  { word: 'saving', status: 'warn', why: 'saving its state to disk: about to stop' },
  { word: 'restoring', status: 'warn', why: 'restoring a saved state: not yet running' },
  { word: 'teleportingpausedvm', status: 'warn', why: 'sending its paused state to another host' },
  { word: 'teleportingin', status: 'warn', why: 'waiting as a teleport target: the guest has not arrived' },
  { word: 'deletingsnapshotlive', status: 'up', why: 'running while a snapshot is deleted' },
  { word: 'deletingsnapshotlivepaused', status: 'warn', why: 'paused while a snapshot is deleted' },
  { word: 'onlinesnapshotting', status: 'warn', why: 'paused while a snapshot is taken' },
  { word: 'restoringsnapshot', status: 'warn', why: 'off, a snapshot being restored: start waits for it' },
  { word: 'deletingsnapshot', status: 'warn', why: 'off, a snapshot being deleted: start waits for it' },
  { word: 'settingup', status: 'warn', why: 'off, its settings being changed by another session' },
  { word: 'snapshotting', status: 'warn', why: 'off, a snapshot being taken' },
  { word: 'faulttolerantsyncing', status: 'warn', why: 'syncing a fault-tolerance peer (VirtualBox 4.1 to 6.0)' },
  { word: 'unknown', status: 'warn', why: 'a state this VBoxManage cannot name (a newer VirtualBox API under an older VBoxManage)' },
];

const wordsOf = (status: string) => new Set(STATES.filter((r) => r.status === status).map((r) => r.word));

/** States in which the machine has no VM process here: stop has nothing to do, start boots (or restores) it. */
export const OFF: ReadonlySet<string> = wordsOf('down');
/** States in which the guest runs: start has nothing to do, stop presses the power button. */
export const RUNS: ReadonlySet<string> = wordsOf('up');

/**
 * States a machine can wait for a teleport in: off. The source of an
 * earlier teleport (teleported) is off too, so a machine can be teleported
 * back to the host it came from.
 */
export function canReceiveTeleport(state: string | undefined): boolean {
  return state === 'poweroff' || state === 'aborted' || state === 'saved' || state === 'teleported';
}

/** What VBoxManage prints on stderr for a machine it does not know (by name or UUID). */
export const NOT_FOUND = /VBOX_E_OBJECT_NOT_FOUND|Could not find a registered machine/;

/**
 * `showvminfo --machinereadable`: `key="value"` lines, the key quoted when
 * it holds `=`, `"` and `\` in strings escaped with `\`, numbers bare.
 */
export function parseShowVmInfo(stdout: string): Record<string, string> {
  const info: Record<string, string> = {};
  const unescape = (s: string) => s.replace(/\\(.)/g, '$1');
  for (const line of stdout.split('\n')) {
    const m = /^(?:"((?:[^"\\]|\\.)*)"|([^"=]+))=(?:"((?:[^"\\]|\\.)*)"|([^"]*))$/.exec(line);
    if (m) info[m[1] !== undefined ? unescape(m[1]) : m[2]!] = m[3] !== undefined ? unescape(m[3]) : m[4]!;
  }
  return info;
}

/** The status of machine `name` in VMState `state`; undefined: VirtualBox has no such machine. */
export function statusOfVmState(name: string, state: string | undefined): ResourceStatus {
  if (state === undefined) return { status: 'down', log: [`warn: VirtualBox has no machine ${name} on this node`] };
  return statusOfState(STATES, `machine ${name}`, state, 'VBoxManage');
}
