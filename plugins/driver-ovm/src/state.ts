// `xm list` read as a status: xend's six state flags, by position (r
// running, b blocked, p paused, s shutdown, c crashed, d dying), mapped to
// capsule's up/down/warn through the declared table, with xm's own flags in
// the log. Pure: no I/O. Samples: tooling/simulators/xm/corpus.
import type { ResourceStatus } from '@capsule/core';
import { statusOfState, type StateTable } from '@capsule/driver-kit';

/** xm's state flags as capsule reads them (the README's `## States`). */
export const STATES: StateTable = [
  { word: 'r-----', status: 'up', why: 'running on a CPU' },
  { word: '-b----', status: 'up', why: 'blocked: idle or waiting for I/O, it runs' },
  { word: '------', status: 'up', why: 'runnable, waiting for a CPU' },
  { word: '--p---', status: 'warn', why: 'paused (xm pause): start unpauses it' },
  { word: '---s--', status: 'warn', why: 'shut down, not yet gone: xend destroys or restarts it (on_poweroff, on_reboot)' },
  { word: '----c-', status: 'down', why: 'crashed and kept (on_crash = preserve): start destroys it first', note: 'warn' },
  { word: '-----d', status: 'warn', why: 'dying: being destroyed, not yet gone' },
];

/**
 * The state flags of domain `id` in `xm list` output; `''` for a domain
 * registered (`xm new`) and not running, which xm prints with empty ID and
 * State columns; undefined when it is not listed.
 */
export function parseXmList(stdout: string, id: string): string | undefined {
  for (const line of stdout.split('\n')) {
    // Name ID Mem VCPUs State Time(s), as main.py's xm_brief_list prints it; any
    // state word is taken, so one the table does not hold warns instead of vanishing.
    const m = /^(\S+) +(?:\d+ +)?\d+ +\d+ +(?:(\S+) +)?[\d.]+$/.exec(line.trimEnd());
    if (m?.[1] !== id) continue;
    // xend prints the State only with a domid (ID): without it the domain does not run.
    return m[2] ?? '';
  }
  return undefined;
}

/** The status of a domain xm lists with `flags`; flags the table does not hold (two states at once) warn with the flags. */
export function statusOfXmFlags(id: string, flags: string): ResourceStatus {
  return statusOfState(STATES, `domain ${id}`, flags, 'xm list');
}

/** What start does for a domain in state `flags` (`''` or undefined: none runs). */
export function startAction(flags: string | undefined): 'create' | 'recreate' | 'unpause' | 'wait' {
  if (!flags) return 'create';
  // A crashed, shut down or dying domain still holds its name: xm create would refuse it.
  if (/[scd]/.test(flags)) return 'recreate';
  if (flags.includes('p')) return 'unpause';
  return 'wait';
}
