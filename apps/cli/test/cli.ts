// Runs the built CLI as a user would, in a throwaway CAPSULE_ROOT.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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

/** The CLI as a running process, for what a synchronous run cannot do: run two at once, signal it while it acts. */
export function cliProcess(program: 'svcmgr' | 'nodemgr' | 'svcmon', args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<CliResult & { signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [`${dist}${program}.js`, ...args], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CAPSULE_NODENAME: 'hv1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
  return { child, done };
}
