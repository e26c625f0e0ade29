// Runs a simulator's tool as a test would: its bin directory first on PATH,
// the host's state directory in the environment; returns code and output.
import { spawn, spawnSync } from 'node:child_process';

export function runTool(binDir, host, argv, { input = '', env = {} } = {}) {
  const r = spawnSync(argv[0], argv.slice(1), {
    input,
    encoding: 'utf8',
    env: { PATH: `${binDir}:${process.env.PATH}`, ...host.env(), ...env },
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts a tool without waiting (a slow operation to watch from outside); resolves to its exit code. */
export function startTool(binDir, host, argv) {
  const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore', env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, ...host.env() } });
  return new Promise((resolve) => child.on('exit', resolve));
}

export const pause = (ms) => new Promise((r) => setTimeout(r, ms));
