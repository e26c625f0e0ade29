// `start_requires = ip#0 fs#0(down,stdby down)` (OpenSVC): conditions on
// other resources' states that must hold before a resource's action, checked
// just before it. A resource's state is its status word, prefixed `stdby `
// for a standby resource (`stdby up`), as OpenSVC writes them.
import { CapsuleError, ErrorCode } from '@capsule/core';

export interface Requirement {
  rid: string;
  states: string[];
}

const DEFAULT_STATES = ['up', 'stdby up'];

/** The conditions of a `*_requires` value; `rid` alone means up or stdby up. */
export function parseRequires(text: string | undefined, where: string): Requirement[] {
  if (!text?.trim()) return [];
  // States may hold spaces (`stdby up`): split on whitespace outside parentheses.
  const items = text.match(/[^\s(]+(\([^)]*\))?/g) ?? [];
  return items.map((item) => {
    const m = /^([^\s(]+)(?:\(([^)]*)\))?$/.exec(item);
    if (!m) throw new CapsuleError(ErrorCode.ConfigInvalid, `${where}: cannot read the condition "${item}"`, { hint: 'write rid or rid(state,...), e.g. fs#1(up,stdby up)' });
    const states = m[2] === undefined ? DEFAULT_STATES : m[2].split(',').map((s) => s.trim()).filter(Boolean);
    return { rid: m[1]!, states };
  });
}

/** The first condition not met, as a sentence, or undefined when all hold. `stateOf` returns undefined for a rid the service lacks (ignored, as OpenSVC). */
export async function unmetRequirement(reqs: readonly Requirement[], stateOf: (rid: string) => Promise<string | undefined>): Promise<string | undefined> {
  for (const q of reqs) {
    const state = await stateOf(q.rid);
    if (state !== undefined && !q.states.includes(state)) return `${q.rid} must be ${q.states.join(' or ')}, it is ${state}`;
  }
  return undefined;
}
