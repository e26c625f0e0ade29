// Runs the built CLI as a user would, in a throwaway CAPSULE_ROOT.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/bin/', import.meta.url));

export const cliEntry = (program: string) => `${dist}${program}.js`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `wrap` prefixes the command, e.g. nsenter into a test host's network namespace. */
export function cli(program: 'svcmgr' | 'nodemgr' | 'svcmon', args: string[], env: Record<string, string> = {}, wrap: string[] = []): CliResult {
  const [cmd, ...rest] = [...wrap, process.execPath, `${dist}${program}.js`, ...args];
  const r = spawnSync(cmd!, rest, {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CAPSULE_NODENAME: 'hv1', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
