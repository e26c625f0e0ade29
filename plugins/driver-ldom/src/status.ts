// `ldm list -p NAME`: a `VERSION` line, then `DOMAIN|name=..|state=..|flags=..|...`;
// the states are inactive, bound and active. The flags are position-dependent
// letters (`-n-cv-`) with `-p`, words (`normal,control,vio-service`) with
// `-l -p`: both are read, as words. Samples: tooling/simulators/ldm/corpus.
import type { ResourceStatus } from '@capsule/core';

export interface LdomState {
  state: string;
  flags: string[];
}

/** Each column's letters, as the Administration Guide's "Flag Definitions" give them (LDoms 1.2 printed five columns). */
const COLUMNS: Record<string, string>[] = [
  { s: 'starting-or-stopping' },
  { n: 'normal', t: 'transition', d: 'degraded' },
  { d: 'delayed-reconfiguration', r: 'memory-dr' },
  { c: 'control' },
  { v: 'vio-service' },
  { s: 'source', t: 'target', e: 'migration-error' },
];

/** Pure: the flags field as words, whichever form ldm printed. */
export function flagWords(field: string): string[] {
  const letters = (field.length === 5 || field.length === 6) && [...field].every((c, i) => c === '-' || COLUMNS[i]![c] !== undefined);
  if (!letters) return field.split(',').filter(Boolean);
  return [...field].flatMap((c, i) => (c === '-' ? [] : [COLUMNS[i]![c]!]));
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
    if (fields['name'] === name && fields['state']) return { state: fields['state'], flags: flagWords(fields['flags'] ?? '') };
  }
  return undefined;
}

/** The resource status for a domain's state; ldm's own words go to the log. */
export function statusOf(name: string, d: LdomState | undefined, where: string): ResourceStatus {
  if (!d) return { status: 'down', log: [`warn: no domain ${name} on ${where}`] };
  const word = `ldm: state=${d.state} flags=${d.flags.join(',') || 'none'}`;
  if (d.flags.includes('transition') || d.flags.includes('starting-or-stopping')) return { status: 'warn', log: [`warn: domain ${name} is changing state (${word})`] };
  if (d.flags.includes('degraded')) return { status: 'warn', log: [`warn: domain ${name} is degraded: it lacks resources (${word})`] };
  if (d.state === 'active') return { status: 'up', log: [`info: ${word}`] };
  if (d.state === 'bound' || d.state === 'inactive') return { status: 'down', log: [`info: ${word}`] };
  return { status: 'warn', log: [`warn: domain ${name} is ${d.state} (${word})`] };
}
