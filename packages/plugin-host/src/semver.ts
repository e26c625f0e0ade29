// Just enough of npm's version ranges for `driver add`: which published
// version to fetch, and whether a driver's @capsule/* peer range accepts the
// copy this app runs. Ranges: `*`, `x`, `1.2.3`, `=1.2.3`, `1.x`, `1.2.x`,
// `^1.2.3`, `~1.2.3`, comparators (`>=1.2.0 <2`), `A - B` and `||`.
import { compareVersions } from './preference.js';

type Comparator = { op: '<' | '<=' | '>' | '>=' | '='; version: string };

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(-[0-9A-Za-z.-]+)?$/;

export const isVersion = (v: string): boolean => VERSION.test(v);

/** `1.2.x` -> [1, 2, undefined]: the numbers given, undefined from the first wildcard on. */
function partial(text: string): { nums: (number | undefined)[]; pre: string } | undefined {
  const m = PARTIAL.exec(text);
  if (!m) return undefined;
  const nums: (number | undefined)[] = [];
  for (const part of [m[1], m[2], m[3]]) nums.push(part === undefined || /[xX*]/.test(part) || nums.includes(undefined) ? undefined : Number(part));
  return { nums, pre: m[4] ?? '' };
}

const v = (a: number, b = 0, c = 0, pre = '') => `${a}.${b}.${c}${pre}`;

/** One comparator set (space-separated, all must hold) as plain comparators; undefined if not understood. */
function comparators(set: string): Comparator[] | undefined {
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(set);
  if (hyphen) {
    const lo = comparators(`>=${hyphen[1]}`);
    const hi = partial(hyphen[2]!);
    if (!lo || !hi) return undefined;
    const [a, b, c] = hi.nums;
    if (a === undefined) return lo;
    if (b === undefined) return [...lo, { op: '<', version: v(a + 1) }];
    if (c === undefined) return [...lo, { op: '<', version: v(a, b + 1) }];
    return [...lo, { op: '<=', version: v(a, b, c, hi.pre) }];
  }
  const out: Comparator[] = [];
  for (const word of set.split(/\s+/).filter(Boolean)) {
    const m = /^(\^|~>?|>=|<=|>|<|=)?\s*(.+)$/.exec(word)!;
    const op = m[1] ?? '';
    const p = partial(m[2]!);
    if (!p) return undefined;
    const [a, b, c] = p.nums;
    if (a === undefined) continue; // `*`: any version
    const lowest = v(a, b ?? 0, c ?? 0, p.pre);
    if (op === '^') {
      // The left-most non-zero number may not change: ^0.2.3 is <0.3.0, ^0.0.3 is <0.0.4.
      const upper = a > 0 || b === undefined ? v(a + 1) : b > 0 || c === undefined ? v(0, b + 1) : v(0, 0, c + 1);
      out.push({ op: '>=', version: lowest }, { op: '<', version: upper });
    } else if (op.startsWith('~')) {
      out.push({ op: '>=', version: lowest }, { op: '<', version: b === undefined ? v(a + 1) : v(a, b + 1) });
    } else if (op === '' || op === '=') {
      if (c !== undefined) out.push({ op: '=', version: lowest });
      else out.push({ op: '>=', version: lowest }, { op: '<', version: b === undefined ? v(a + 1) : v(a, b + 1) });
    } else if (op === '>' && c === undefined) {
      out.push({ op: '>=', version: b === undefined ? v(a + 1) : v(a, b + 1) });
    } else if (op === '<=' && c === undefined) {
      out.push({ op: '<', version: b === undefined ? v(a + 1) : v(a, b + 1) });
    } else {
      out.push({ op: op as Comparator['op'], version: lowest });
    }
  }
  return out;
}

function holds(version: string, c: Comparator): boolean {
  const d = compareVersions(version, c.version);
  return c.op === '=' ? d === 0 : c.op === '<' ? d < 0 : c.op === '<=' ? d <= 0 : c.op === '>' ? d > 0 : d >= 0;
}

/**
 * Whether `version` is in `range`; undefined when the range is not one this
 * reader understands (a `workspace:` or git spec left in a published package).
 * As npm does, a prerelease matches only a range naming a prerelease of the
 * same major.minor.patch.
 */
export function satisfies(version: string, range: string): boolean | undefined {
  if (!isVersion(version)) return false;
  const sets = range.trim() === '' ? [''] : range.split('||').map((s) => s.trim());
  const parsed = sets.map(comparators);
  if (parsed.some((p) => p === undefined)) return undefined;
  const core = version.split(/[-+]/, 1)[0];
  const pre = version.includes('-');
  return (parsed as Comparator[][]).some(
    (set) => set.every((c) => holds(version, c)) && (!pre || set.some((c) => c.version.includes('-') && c.version.split('-', 1)[0] === core)),
  );
}

/** The highest of `versions` in `range`, or undefined. */
export function maxSatisfying(versions: readonly string[], range: string): string | undefined {
  return versions.filter((x) => satisfies(x, range) === true).sort(compareVersions).at(-1);
}
