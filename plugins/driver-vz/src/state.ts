// `vzctl status CTID` read as a status: "CTID 101 exist mounted running"
// (VEID on Virtuozzo 7) mapped to capsule's up/down/warn, vzctl's words in the log.
import type { ResourceStatus } from '@capsule/core';

export interface VzState {
  exists: boolean;
  mounted: boolean;
  /** running, down, paused or suspended. */
  run: string;
  /** The words after the ID, as vzctl printed them. */
  words: string;
}

export function parseVzStatus(stdout: string): VzState | undefined {
  const m = /^(?:CTID|VEID)\s+\S+\s+(exist|deleted)\s+(mounted|unmounted)\s+(\S+)\s*$/m.exec(stdout);
  if (!m) return undefined;
  return { exists: m[1] === 'exist', mounted: m[2] === 'mounted', run: m[3]!, words: `${m[1]} ${m[2]} ${m[3]}` };
}

export function statusOfVz(ctid: string, s: VzState): ResourceStatus {
  const word = `vzctl status: ${s.words}`;
  if (!s.exists) return { status: 'down', log: [`warn: no container ${ctid} (${word})`] };
  if (s.run === 'running') return { status: 'up', log: [`info: ${word}`] };
  if (s.run === 'down') return s.mounted ? { status: 'down', log: [`warn: container ${ctid} is stopped but still mounted (${word})`] } : { status: 'down', log: [] };
  return { status: 'warn', log: [`warn: container ${ctid} is ${s.run} (${word})`] };
}
