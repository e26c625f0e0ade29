// The `status` attribute of a vCloud Director Vm or VApp (ResourceEntityType):
// the codes and their names, read from the corpus (corpus/vm-status-codes.txt,
// with its sources).
import { readFileSync } from 'node:fs';

export const VM_STATUS = {
  FAILED_CREATION: -1,
  UNRESOLVED: 0,
  RESOLVED: 1,
  DEPLOYED: 2,
  SUSPENDED: 3,
  POWERED_ON: 4,
  WAITING_FOR_INPUT: 5,
  UNKNOWN: 6,
  UNRECOGNIZED: 7,
  POWERED_OFF: 8,
  INCONSISTENT_STATE: 9,
  MIXED: 10,
} as const;

/** Every code the corpus names: code -> name. */
export const STATUS_NAMES: ReadonlyMap<number, string> = new Map(
  readFileSync(new URL('../corpus/vm-status-codes.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [code, name] = l.split(' ');
      return [Number(code), name!] as const;
    }),
);

/** The name a query record prints; a code the corpus does not name (a later release's) has no name here: its number. */
export const statusName = (code: number): string => STATUS_NAMES.get(code) ?? String(code);
