// `ldm list -p NAME`: a `VERSION` line, then `DOMAIN|name=..|state=..|flags=..|...`;
// the states are inactive, bound and active. The flags are position-dependent
// letters (`-n-cv-`) with `-p`, words (`normal,control,vio-service`) with
// `-l -p`. A domain's state reads as its state word and its flag letters
// together, through the declared table. Samples: tooling/simulators/ldm/corpus.
import type { ResourceStatus } from '@capsule/core';
import { statusOfState, type StateTable } from '@capsule/driver-kit';

export interface LdomState {
  state: string;
  /** The flags field exactly as ldm printed it. */
  flags: string;
}

/**
 * ldm's state and flags as capsule reads them (the README's `## States`):
 * `STATE FLAGS`, the flags as `ldm list -p` prints them, its columns being
 * (Administration Guide, "Flag Definitions") 1 `s` starting or stopping;
 * 2 `n` normal, `t` transition, `d` degraded; 3 `d` delayed reconfiguration,
 * `r` memory dynamic reconfiguration; 4 `c` control domain; 5 `v` I/O
 * service domain; 6 `s` migration source, `t` target, `e` migration error.
 * Columns 4 and 5 are roles, not states: they read as `-` (see stateWord).
 */
export const STATES: StateTable = [
  { word: 'active -n----', status: 'up', why: 'running normally' },
  { word: 'active -nd---', status: 'up', why: 'running; a delayed reconfiguration waits for its next reboot' },
  { word: 'active -nr---', status: 'up', why: 'running; its memory is being reconfigured live' },
  { word: 'active s-----', status: 'warn', why: 'starting or stopping: not settled yet' },
  { word: 'active -t----', status: 'warn', why: 'in transition: ldm is changing its state' },
  { word: 'active -n---s', status: 'warn', why: 'the source of a migration: it leaves this control domain when the migration ends' },
  { word: 'active -n---e', status: 'warn', why: 'a migration of it failed: check it before trusting it here (ldm list -o domain)' },
  { word: 'bound -----t', status: 'warn', why: 'the target of an incoming migration: it is not ours to start until the migration ends' },
  { word: 'bound ------', status: 'down', why: 'resources bound, not started: start-domain starts it' },
  { word: 'bound s-----', status: 'warn', why: 'starting or stopping: not settled yet' },
  { word: 'bound -d----', status: 'warn', why: 'degraded: it lacks resources it was configured with, a start may fail' },
  { word: 'inactive ------', status: 'down', why: 'defined only: bind-domain then start-domain start it' },
  { word: 'inactive -d----', status: 'warn', why: 'degraded: it lacks resources it was configured with, a start will fail' },
];

/**
 * The flag words `ldm list -l -p` is known to print (the guide's own
 * example), as their column and letter; control and vio-service are roles,
 * whose columns stateWord blanks, so they have none.
 */
const WORD_LETTERS = new Map<string, [column: number, letter: string] | undefined>([
  ['normal', [1, 'n']],
  ['control', undefined],
  ['vio-service', undefined],
]);

/**
 * Pure: the table's word for a domain: its state and its flags as six
 * letters, the role columns blanked. LDoms 1.2 printed five columns (no
 * migration column): padded. Flags spelled out are turned back into letters
 * when every word is known; anything else is kept as printed, so that a
 * form capsule does not know reads as an unknown state, never as a known one.
 */
export function stateWord(d: LdomState): string {
  let letters = d.flags;
  const words = d.flags.split(',');
  if (words.every((w) => WORD_LETTERS.has(w))) {
    const cols = [...'------'];
    for (const w of words) {
      const l = WORD_LETTERS.get(w);
      if (l) cols[l[0]] = l[1];
    }
    letters = cols.join('');
  } else if (/^[-a-z]{5}$/.test(letters)) letters = `${letters}-`;
  if (/^[-a-z]{6}$/.test(letters)) letters = `${letters.slice(0, 3)}--${letters.slice(5)}`;
  return `${d.state} ${letters}`;
}

export function parseDomain(stdout: string, name: string): LdomState | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('DOMAIN|')) continue;
    // The leading DOMAIN has no '=': it becomes a key nothing reads ('DOMAI'), so it need not be cut off.
    const fields = Object.fromEntries(line.split('|').map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]));
    if (fields['name'] === name && fields['state']) return { state: fields['state'], flags: fields['flags'] ?? '' };
  }
  return undefined;
}

/** The resource status for a domain's state, through the table; ldm's words go to the log. */
export function statusOf(name: string, d: LdomState | undefined, where: string): ResourceStatus {
  if (!d) return { status: 'down', log: [`warn: no domain ${name} on ${where}`] };
  return statusOfState(STATES, `domain ${name}`, stateWord(d), 'ldm list -p');
}
