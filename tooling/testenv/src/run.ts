// Runs a setup command and fails loudly: a test host that cannot be built
// must fail the test, never let it pass on a half-made network.
import { localExec } from '@capsule/transport';

export async function sh(...argv: string[]): Promise<string> {
  const r = await localExec(argv);
  if (r.code !== 0) throw new Error(`test setup: ${argv.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

export function uniqueName(prefix: string): string {
  // Interface names are limited to 15 characters.
  return `${prefix}${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`.slice(0, 15);
}
