// jls's jail states (`jls -d --libxo json -v`: ACTIVE, DYING) as capsule's
// status, and the choice of the jail a name means. Pure: no I/O.
// Samples: tooling/simulators/jail/corpus.
import type { ResourceStatus } from '@capsule/core';
import { statusOfState, type StateTable } from '@capsule/driver-kit';

/** jls's state words as capsule reads them (the README's `## States`). */
export const STATES: StateTable = [
  { word: 'ACTIVE', status: 'up', why: 'the jail exists: its processes run' },
  { word: 'DYING', status: 'warn', why: 'removed, its last references (exiting processes, sockets) not yet released: start makes a new jail of the name beside it' },
];

export interface JlsJail {
  jid: number;
  name: string;
  state?: string;
  path?: string;
}

/**
 * The jail named `name`: FreeBSD lets a new jail take the name of one still
 * dying, and `jls -d` lists both in jid order, the dying one first; the
 * live one is the jail, else the newest dying one.
 */
export function pickJail<J extends { name?: string; state?: string }>(jails: readonly J[], name: string): J | undefined {
  const named = jails.filter((j) => j.name === name);
  return named.find((j) => j.state === 'ACTIVE') ?? named[named.length - 1];
}

/** The jails of `jls --libxo json`, or undefined when the output is not its jail list. */
export function parseJls(stdout: string): JlsJail[] | undefined {
  let list: unknown;
  try {
    list = (JSON.parse(stdout) as { 'jail-information': { jail?: unknown } })['jail-information'].jail;
  } catch {
    // Not JSON, or JSON without the jail-information container (the lookup throws): no list.
  }
  return Array.isArray(list) ? (list as JlsJail[]) : undefined;
}

/**
 * Whether start makes a new jail: none of the name, or only a dying one
 * (kern_jail_set creates a new jail beside a dying one unless asked to
 * revive it with -d).
 */
export function startCreates(j: JlsJail | undefined): boolean {
  return j?.state !== 'ACTIVE';
}

/** The status of jail `name` as jls lists it (undefined: no such jail); `root` is its jailroot when that directory is gone. */
export function statusOfJail(name: string, j: JlsJail | undefined, missingRoot?: string): ResourceStatus {
  if (j) return statusOfState(STATES, `jail ${name}`, j.state ?? '', 'jls');
  if (missingRoot !== undefined) return { status: 'down', log: [`warn: the root of jail ${name}, ${missingRoot}, does not exist`] };
  return { status: 'down', log: [] };
}
