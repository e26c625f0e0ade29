// Resource ids: `group#index` (ip#1, sync#i0, ip#1sm) and the natural order
// used to sort them within a group (ip#2 before ip#10).
import { CapsuleError } from './errors.js';

/** OpenSVC start order of the groups that count towards availability; stop is the reverse. */
export const START_ORDER = ['ip', 'disk', 'fs', 'share', 'container', 'app'] as const;
/** Groups shown in the status tree that do not count towards availability. */
export const ACCESSORY_GROUPS = ['sync', 'task', 'hb', 'stonith'] as const;
/** Every resource section group: the one list config, service and the CLI use. */
export const RESOURCE_GROUPS = [...START_ORDER, ...ACCESSORY_GROUPS] as const;
export type ResourceGroup = (typeof RESOURCE_GROUPS)[number];

export interface Rid {
  group: string;
  index: string;
  rid: string;
}

const RID = /^([a-z][a-z0-9_]*)#([A-Za-z0-9_.-]+)$/;

export function parseRid(text: string): Rid {
  const m = RID.exec(text);
  if (!m) {
    throw new CapsuleError('InvalidRid', `"${text}" is not a resource id`, {
      hint: 'a resource id is group#index, for example ip#1, fs#data or sync#i0',
      details: { rid: text },
    });
  }
  return { group: m[1]!, index: m[2]!, rid: text };
}

export function isRid(text: string): boolean {
  return RID.test(text);
}

/** Natural comparison: digit runs compare as numbers, the rest as text. */
export function compareRid(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [];
  const tb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i]!;
    const y = tb[i]!;
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length;
}
