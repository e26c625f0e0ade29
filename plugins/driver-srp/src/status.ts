// `srp -status NAME`: a header `NAME TYPE STATE SUBTYPE ROOTPATH` and one
// row; the states are stopped, starting, started, stopping, maintenance.
import type { ResourceStatus } from '@capsule/core';

export interface SrpState {
  type: string;
  state: string;
  subtype: string;
  rootpath: string;
}

export function parseStatus(stdout: string, name: string): SrpState | undefined {
  for (const line of stdout.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[0] === name && f.length === 5) return { type: f[1]!, state: f[2]!, subtype: f[3]!, rootpath: f[4]! };
  }
  return undefined;
}

/** The resource status for a container's state; srp's own word goes to the log. */
export function statusOf(name: string, s: SrpState | undefined, where: string): ResourceStatus {
  if (!s) return { status: 'down', log: [`warn: no container ${name} on ${where}`] };
  const word = `srp: ${s.state}`;
  if (s.state === 'started') return { status: 'up', log: [`info: ${word}`] };
  if (s.state === 'stopped') return { status: 'down', log: [`info: ${word}`] };
  if (s.state === 'maintenance') return { status: 'warn', log: [`warn: container ${name} is in maintenance: software is being installed or removed (${word})`] };
  return { status: 'warn', log: [`warn: container ${name} is ${s.state} (${word})`] };
}
