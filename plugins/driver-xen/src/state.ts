// `xl list NAME` read as a status: xl(1)'s six state columns, by position
// (r running, b blocked, p paused, s shutdown, the shutdown reason from
// "-rscwS" or `?`, d dying), mapped to capsule's up/down/warn with xl's own
// word in the log. Samples: tooling/simulators/xl/corpus.
import type { ResourceStatus } from '@capsule/core';
import type { StateTable } from '@capsule/driver-kit';

/** xl's state columns as capsule reads them (the README's `## States`). */
export const STATES: StateTable = [
  { word: 'r-----', status: 'up', why: 'running on a CPU' },
  { word: '-b----', status: 'up', why: 'blocked: idle or waiting for I/O, it runs' },
  { word: '------', status: 'up', why: 'runnable, waiting for a CPU' },
  { word: '--p---', status: 'warn', why: 'paused (xl pause): start unpauses it' },
  { word: '---s--', status: 'warn', why: 'shutting down (poweroff): not yet gone' },
  { word: '---sr-', status: 'warn', why: 'shutting down to reboot' },
  { word: '---ss-', status: 'warn', why: 'shutting down to suspend' },
  { word: '---sw-', status: 'warn', why: 'shut down by its watchdog' },
  { word: '---sS-', status: 'warn', why: 'shutting down for a soft reset' },
  { word: '---s?-', status: 'warn', why: 'shutting down for a reason xl does not name' },
  { word: '---sc-', status: 'down', why: 'crashed and kept (on_crash = preserve): start destroys it first' },
  { word: '-----d', status: 'warn', why: 'dying: being destroyed, not yet gone' },
];

/** The state column of the domain's line, or undefined when the output names no such domain. */
export function parseXlList(stdout: string, name: string): string | undefined {
  for (const line of stdout.split('\n')) {
    const m = /^(\S+)\s+\d+\s+\d+\s+\d+\s+([-r][-b][-p][-s][-\w?][-d])\s+[\d.]+\s*$/.exec(line);
    if (m && m[1] === name) return m[2];
  }
  return undefined;
}

/** What xl prints when the domain is not there, however it went: not an error, a domain that does not run. */
export const NO_DOMAIN = /invalid domain identifier|Domain '.*' does not exist/i;

const REASON: Record<string, string> = { '-': 'poweroff', r: 'reboot', s: 'suspend', w: 'watchdog', S: 'soft reset', '?': 'unknown reason' };

/** A domain that exists with this state column. */
export function statusOfFlags(name: string, flags: string): ResourceStatus {
  const word = `xl list: ${flags}`;
  // xl prints a reason only for a domain shut down (column 4), so c there is a crash.
  if (flags[4] === 'c') return { status: 'down', log: [`warn: domain ${name} crashed (${word}); start destroys it first`] };
  if (flags[3] === 's' || flags[5] === 'd') {
    const why = flags[3] === 's' ? `, ${REASON[flags[4]!] ?? flags[4]}` : '';
    return { status: 'warn', log: [`warn: domain ${name} is shutting down${why} (${word})`] };
  }
  if (flags[2] === 'p') return { status: 'warn', log: [`warn: domain ${name} is paused (${word})`] };
  return { status: 'up', log: [`info: ${word}`] };
}
