// Runs the built CLI as a user would, in a throwaway CAPSULE_ROOT.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/bin/', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(program: 'svcmgr' | 'nodemgr' | 'svcmon', args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [`${dist}${program}.js`, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CAPSULE_NODENAME: 'hv1', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
