// What `{{tool}} inspect NAME` says of a container, read as capsule's
// status: pure (no I/O), so every word of the tool can be tested alone.
// Replace the rows with your tool's real words, each with its source.
import type { ResourceStatus } from '@capsule/core';
import { statusOfState, type StateTable } from '@capsule/driver-kit';

/** {{tool}}'s states as capsule reads them (the README's `## States`). */
export const STATES: StateTable = [
  { word: 'running', status: 'up', why: 'its init runs' },
  { word: 'stopped', status: 'down', why: 'defined, not running' },
  { word: 'created', status: 'down', why: 'defined, never started' },
  { word: 'paused', status: 'warn', why: 'paused: its processes do not run' },
];

/** The state word of `{{tool}} inspect`'s output (its first line), or undefined when it printed none. */
export function parseState(stdout: string): string | undefined {
  return stdout.split('\n')[0]?.trim() || undefined;
}

export function statusOfContainer(name: string, word: string | undefined): ResourceStatus {
  if (word === undefined) return { status: 'warn', log: [`warn: {{tool}} printed no state for container ${name}`] };
  return statusOfState(STATES, `container ${name}`, word, '{{tool}} inspect');
}
