// `vzctl status CTID` read as a status: "CTID 101 exist mounted running",
// with ` suspended` appended when a dump file exists (vzctl 3.0.24 to 4.x),
// VEID (3.0.12 to 3.0.22, and vzctl 7, which says running, paused,
// suspended or down) or VPSID (3.0.0 to 3.0.11) before the ID; mapped to
// capsule's up/down/warn with vzctl's words in the log. Samples:
// tooling/simulators/vzctl/corpus.
import type { ResourceStatus } from '@capsule/core';

export interface VzState {
  exists: boolean;
  mounted: boolean;
  /** running, down, paused or suspended. */
  run: string;
  /** A dump file exists (the trailing ` suspended` of vzctl 3.0.24 to 4.x). */
  dump: boolean;
  /** The words after the ID, as vzctl printed them. */
  words: string;
}

export function parseVzStatus(stdout: string): VzState | undefined {
  const m = /^(?:CTID|VEID|VPSID)\s+\S+\s+(exist|deleted)\s+(mounted|unmounted)\s+(running|down|paused|suspended)(\s+suspended)?\s*$/m.exec(stdout);
  if (!m) return undefined;
  return { exists: m[1] === 'exist', mounted: m[2] === 'mounted', run: m[3]!, dump: m[4] !== undefined, words: `${m[1]} ${m[2]} ${m[3]}${m[4] ? ' suspended' : ''}` };
}

export function statusOfVz(ctid: string, s: VzState): ResourceStatus {
  const word = `vzctl status: ${s.words}`;
  if (!s.exists) return { status: 'down', log: [`warn: no container ${ctid} (${word})`] };
  // A running container with a dump file left from an earlier suspend (vzctl 3.0.30 says it): it runs.
  if (s.run === 'running') return { status: 'up', log: [s.dump ? `info: ${word} (a dump file is left from an earlier suspend)` : `info: ${word}`] };
  if (s.run === 'suspended' || (s.run === 'down' && s.dump)) return { status: 'down', log: [`warn: container ${ctid} is suspended: start restores it from its dump (${word})`] };
  if (s.run === 'down') return s.mounted ? { status: 'down', log: [`warn: container ${ctid} is stopped but still mounted (${word})`] } : { status: 'down', log: [] };
  return { status: 'warn', log: [`warn: container ${ctid} is ${s.run} (${word})`] };
}
