// `xl list NAME` read as a status: the six run-state flags of xl(1) (r
// running, b blocked, p paused, s shutdown, c crashed, d dying) mapped to
// capsule's up/down/warn, with xl's own word in the log.
import type { ResourceStatus } from '@capsule/core';

/** The flags column of the domain's line, or undefined when the output names no such domain. */
export function parseXlList(stdout: string, name: string): string | undefined {
  for (const line of stdout.split('\n')) {
    const m = /^(\S+)\s+\d+\s+\d+\s+\d+\s+([-rbpscd]{6})\s+[\d.]+\s*$/.exec(line);
    if (m && m[1] === name) return m[2];
  }
  return undefined;
}

/** A domain that exists with these flags. */
export function statusOfFlags(name: string, flags: string): ResourceStatus {
  const word = `xl list: ${flags}`;
  if (flags.includes('c')) return { status: 'down', log: [`warn: domain ${name} crashed (${word}); start destroys it first`] };
  if (flags.includes('d') || flags.includes('s')) return { status: 'warn', log: [`warn: domain ${name} is shutting down (${word})`] };
  if (flags.includes('p')) return { status: 'warn', log: [`warn: domain ${name} is paused (${word})`] };
  return { status: 'up', log: [`info: ${word}`] };
}
