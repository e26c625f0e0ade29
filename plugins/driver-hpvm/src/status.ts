// `hpvmstatus -M -P NAME`: one machine-readable line, colon-separated major
// fields; the run state is field 10 and the boot attribute field 11 (the
// positions OpenSVC's driver reads).
import type { ResourceStatus } from '@capsule/core';

export interface HpvmState {
  /** `On`, `Off`, or another run state word of hpvmstatus. */
  state: string;
  boot: string;
}

export function parseMachineLine(stdout: string): HpvmState | undefined {
  const fields = stdout.trim().split('\n')[0]?.split(':') ?? [];
  if (fields.length < 12 || !fields[10]) return undefined;
  return { state: fields[10].trim(), boot: fields[11]!.trim() };
}

/** The resource status for a run state; the word itself goes to the log. */
export function statusOf(name: string, s: HpvmState | undefined, where: string): ResourceStatus {
  if (!s) return { status: 'down', log: [`warn: no guest ${name} on ${where}`] };
  const word = `hpvmstatus: ${s.state}`;
  if (s.state === 'On') return { status: 'up', log: [`info: ${word}`] };
  if (s.state === 'Off') return { status: 'down', log: [`info: ${word}`] };
  return { status: 'warn', log: [`warn: guest ${name} is ${s.state} (${word})`] };
}
