// `vzctl status CTID` read as a status: "CTID 101 exist mounted running",
// with ` suspended` appended when a dump file exists (vzctl 3.0.24 to 4.x),
// VEID (3.0.12 to 3.0.22, and vzctl 7, which says running, paused,
// suspended or down) or VPSID (3.0.0 to 3.0.11) before the ID; mapped to
// capsule's up/down/warn through the declared table, vzctl's words in the
// log. Pure: no I/O. Samples: tooling/simulators/vzctl/corpus.
import type { ResourceStatus } from '@capsule/core';
import { statusOfState, type StateTable } from '@capsule/driver-kit';

/** vzctl status's words after the ID, as capsule reads them (the README's `## States`). */
export const STATES: StateTable = [
  { word: 'exist mounted running', status: 'up', why: 'running' },
  { word: 'exist mounted running suspended', status: 'up', why: 'running; a dump file is left from an earlier suspend (vzctl 3.0.24 to 3.0.30 say so)', note: 'info' },
  { word: 'exist unmounted down', status: 'down', why: 'stopped' },
  { word: 'exist mounted down', status: 'down', why: 'stopped, its private area still mounted (vzctl mount, or a stop cut short)', note: 'warn' },
  { word: 'exist unmounted down suspended', status: 'down', why: 'suspended (vzctl suspend): start restores it from its dump file', note: 'warn' },
  { word: 'exist unmounted suspended', status: 'down', why: 'suspended (vzctl 7 suspend): its memory is in a dump file', note: 'warn' },
  { word: 'exist mounted paused', status: 'warn', why: 'paused (vzctl 7 pause): frozen, start resumes it' },
  { word: 'deleted unmounted down', status: 'down', why: 'no such container (no CTID.conf or private area): start fails', note: 'warn' },
];

export interface VzState {
  exists: boolean;
  mounted: boolean;
  /** running, down, paused, suspended, or a word a later vzctl prints. */
  run: string;
  /** The words after the ID, as vzctl printed them. */
  words: string;
}

/** The state of the first status line of `stdout`, or undefined when it holds none. */
export function parseVzStatus(stdout: string): VzState | undefined {
  // Any word after exist/deleted and mounted/unmounted is taken: one the table does not hold warns instead of failing the status.
  // Every vzctl prints the line with one printf, one space between words (`CTID %d %s %s %s%s`), so none is looser.
  const m = /^(?:CTID|VEID|VPSID) \S+ ((exist|deleted) (mounted|unmounted) (\S+)(?: suspended)?)$/m.exec(stdout);
  if (!m) return undefined;
  return { exists: m[2] === 'exist', mounted: m[3] === 'mounted', run: m[4]!, words: m[1]! };
}

export function statusOfVz(ctid: string, s: VzState): ResourceStatus {
  return statusOfState(STATES, `container ${ctid}`, s.words, 'vzctl status');
}

/** What start does in state `s`: nothing to start, resume a paused one (vzctl 7), or vzctl start (which restores a suspended one). */
export function startAction(s: VzState): 'wait' | 'resume' | 'start' {
  if (s.run === 'running') return 'wait';
  if (s.run === 'paused') return 'resume';
  return 'start';
}

/**
 * Whether a container vzlist shows with `status` on a migration's
 * destination holds it there: running, or paused (vzctl 7: running but
 * frozen). vzlist's words: running, stopped, mounted, suspended (vzctl 4.x),
 * and paused, unknown (vzctl 7).
 */
export function holdsPeer(status: string | undefined): boolean {
  return status === 'running' || status === 'paused';
}
