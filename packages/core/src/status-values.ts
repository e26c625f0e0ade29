// Status values, their OpenSVC exit codes, and the merge arithmetic used to
// fold resource status into group, avail and overall status. No zod here:
// the CLI's cached status path loads this without the schema library.

export const STATUSES = ['up', 'down', 'warn', 'n/a', 'undef', 'stdby up', 'stdby down'] as const;
export type Status = (typeof STATUSES)[number];

/** Exit codes of `svcmgr status` (OpenSVC's). */
export const STATUS_CODE: Readonly<Record<Status, number>> = {
  up: 0,
  down: 1,
  warn: 2,
  'n/a': 3,
  undef: 5,
  'stdby up': 6,
  'stdby down': 7,
};

// Symmetric table keyed "a|b" with a <= b in STATUSES order. undef is neutral
// and warn absorbs, so only the remaining pairs need spelling out.
const PAIRS: Record<string, Status> = {
  'up|up': 'up',
  'up|down': 'warn',
  'up|n/a': 'up',
  'up|stdby up': 'up',
  'up|stdby down': 'warn',
  'down|down': 'down',
  'down|n/a': 'down',
  'down|stdby up': 'stdby up',
  'down|stdby down': 'stdby down',
  'n/a|n/a': 'n/a',
  'n/a|stdby up': 'stdby up',
  'n/a|stdby down': 'stdby down',
  'stdby up|stdby up': 'stdby up',
  'stdby up|stdby down': 'warn',
  'stdby down|stdby down': 'stdby down',
};

export function mergeStatus(a: Status, b: Status): Status {
  if (a === 'undef') return b;
  if (b === 'undef') return a;
  if (a === 'warn' || b === 'warn') return 'warn';
  const [x, y] = STATUSES.indexOf(a) <= STATUSES.indexOf(b) ? [a, b] : [b, a];
  const merged = PAIRS[`${x}|${y}`];
  if (merged === undefined) throw new Error(`status merge table has no entry for ${x}+${y}`);
  return merged;
}

/** Fold any number of statuses; an empty list is undef. */
export function aggregateStatus(statuses: Iterable<Status>): Status {
  let acc: Status = 'undef';
  for (const s of statuses) acc = mergeStatus(acc, s);
  return acc;
}

export function statusFromCode(code: number): Status | undefined {
  return STATUSES.find((s) => STATUS_CODE[s] === code);
}
