// What `zoneadm -z NAME list -p` says of a zone, and the capsule status of
// each state word. Pure: no I/O. Samples of the real output and their
// sources: tooling/simulators/zones/corpus.
import type { ResourceStatus } from '@capsule/core';
import type { StateTable } from '@capsule/driver-kit';

/** zoneadm's state words as capsule reads them (the README's `## States`). */
export const STATES: StateTable = [
  { word: 'running', status: 'up', why: 'its init and services run' },
  { word: 'installed', status: 'down', why: 'installed and halted: the stopped state, start boots it' },
  { word: 'configured', status: 'down', why: 'configured, not installed here: detached (the stopped state of a failover zone), start attaches it' },
  { word: 'incomplete', status: 'warn', why: 'an install or uninstall was cut short, or an administrator marked it: it needs zoneadm uninstall or attach -F' },
  { word: 'ready', status: 'warn', why: 'its virtual platform is set up but no process runs: start boots it, stop halts it' },
  { word: 'mounted', status: 'warn', why: 'mounted by the package or upgrade tools (zoneadm mount): not booted, busy until they unmount it' },
  { word: 'shutting_down', status: 'warn', why: 'being halted: not yet gone' },
  { word: 'down', status: 'warn', why: 'halted halfway (file systems or devices still held): no process runs, zoneadm halt must finish it' },
  { word: 'unavailable', status: 'warn', why: 'installed but it cannot boot: its storage is missing or in use by another host, or its software does not match this host (Solaris 11)' },
];

/** The fields of a zone's line that capsule reads. */
export interface ZoneListing {
  state: string;
  zonepath: string;
  brand: string;
}

/** stderr of zoneadm for a zone this host has no configuration of (`zoneadm: NAME: No such zone configured`). */
export const NO_ZONE = /No such zone configured/;

/**
 * The zone's line of `zoneadm list -p`: `zoneid:zonename:state:zonepath:uuid:brand:ip-type`,
 * Solaris 11 adding r/w and file-mac-profile (9 fields) and later more (11).
 * zoneadm escapes a colon of the zonepath as `\:`, so fields split only on
 * unescaped colons. Undefined when no line names the zone.
 */
export function parseZoneadmList(stdout: string, name: string): ZoneListing | undefined {
  for (const line of stdout.split('\n')) {
    const f = line.split(/(?<!\\):/);
    if (f.length >= 7 && f[1] === name) return { state: f[2]!, zonepath: f[3]!.replace(/\\:/g, ':'), brand: f[5]! };
  }
  return undefined;
}

/**
 * The status of zone `zone` in state `word`: up or down plainly for the
 * running and stopped states; otherwise warn with zoneadm's word and why;
 * a word capsule does not know (a later Solaris's) warns with the word.
 */
export function statusOfZone(zone: string, word: string): ResourceStatus {
  const row = STATES.find((r) => r.word === word);
  if (!row) return { status: 'warn', log: [`warn: zone ${zone} is in a state capsule does not know: zoneadm says ${word}`] };
  if (row.status !== 'warn') return { status: row.status, log: [] };
  return { status: 'warn', log: [`warn: zone ${zone} is ${word}: ${row.why}`] };
}
