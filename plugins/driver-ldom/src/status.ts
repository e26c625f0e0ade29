// `ldm list -p NAME`: a `VERSION` line, then `DOMAIN|name=..|state=..|flags=..|...`
// with the flags spelled out; the states are inactive, bound and active.
import type { ResourceStatus } from '@capsule/core';

export interface LdomState {
  state: string;
  flags: string[];
}

export function parseDomain(stdout: string, name: string): LdomState | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('DOMAIN|')) continue;
    const fields = Object.fromEntries(
      line
        .split('|')
        .slice(1)
        .map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]),
    );
    if (fields['name'] === name && fields['state']) return { state: fields['state'], flags: fields['flags'] ? fields['flags'].split(',') : [] };
  }
  return undefined;
}

/** The resource status for a domain's state; ldm's own words go to the log. */
export function statusOf(name: string, d: LdomState | undefined, where: string): ResourceStatus {
  if (!d) return { status: 'down', log: [`warn: no domain ${name} on ${where}`] };
  const word = `ldm: state=${d.state} flags=${d.flags.join(',')}`;
  if (d.flags.includes('transition')) return { status: 'warn', log: [`warn: domain ${name} is changing state (${word})`] };
  if (d.flags.includes('degraded')) return { status: 'warn', log: [`warn: domain ${name} is degraded: it lacks resources (${word})`] };
  if (d.state === 'active') return { status: 'up', log: [`info: ${word}`] };
  if (d.state === 'bound' || d.state === 'inactive') return { status: 'down', log: [`info: ${word}`] };
  return { status: 'warn', log: [`warn: domain ${name} is ${d.state} (${word})`] };
}
