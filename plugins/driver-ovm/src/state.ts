// `xm list` read as a status: xend's six run-state flags (r running, b
// blocked, p paused, s shutdown, c crashed, d dying) mapped to capsule's
// up/down/warn, with xm's own word in the log.
import type { ResourceStatus } from '@capsule/core';

/** The flags of domain `id` in `xm list` output, or undefined when it is not listed. */
export function parseXmList(stdout: string, id: string): string | undefined {
  for (const line of stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    // Name ID Mem VCPUs State Time(s): the header and short lines are not domains.
    if (cols.length === 6 && cols[0] === id && /^[-rbpscd]{6}$/.test(cols[4]!)) return cols[4];
  }
  return undefined;
}

export function statusOfXmFlags(id: string, flags: string): ResourceStatus {
  const word = `xm list: ${flags}`;
  if (flags.includes('c')) return { status: 'down', log: [`warn: domain ${id} crashed (${word}); start destroys it first`] };
  if (flags.includes('s') || flags.includes('d')) return { status: 'warn', log: [`warn: domain ${id} is shutting down (${word})`] };
  if (flags.includes('p')) return { status: 'warn', log: [`warn: domain ${id} is paused (${word})`] };
  return { status: 'up', log: [`info: ${word}`] };
}
