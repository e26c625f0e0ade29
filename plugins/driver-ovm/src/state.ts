// `xm list` read as a status: xend's six run-state flags, by position (r
// running, b blocked, p paused, s shutdown, c crashed, d dying), mapped to
// capsule's up/down/warn, with xm's own word in the log. Samples:
// tooling/simulators/xm/corpus.
import type { ResourceStatus } from '@capsule/core';

/** The flags of domain `id` in `xm list` output, or undefined when it is not listed. */
export function parseXmList(stdout: string, id: string): string | undefined {
  for (const line of stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    // Name ID Mem VCPUs State Time(s). A domain registered (xm new) but not running has no ID: five columns, not running.
    if (cols[0] !== id || !/^[-r][-b][-p][-s][-c][-d]$/.test(cols[cols.length - 2] ?? '')) continue;
    if (cols.length === 6) return cols[4];
    if (cols.length === 5) return undefined;
  }
  return undefined;
}

export function statusOfXmFlags(id: string, flags: string): ResourceStatus {
  const word = `xm list: ${flags}`;
  if (flags[4] === 'c') return { status: 'down', log: [`warn: domain ${id} crashed (${word}); start destroys it first`] };
  if (flags[3] === 's' || flags[5] === 'd') return { status: 'warn', log: [`warn: domain ${id} is shutting down (${word})`] };
  if (flags[2] === 'p') return { status: 'warn', log: [`warn: domain ${id} is paused (${word})`] };
  return { status: 'up', log: [`info: ${word}`] };
}
