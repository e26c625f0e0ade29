// Runs a simulator's tool as a test would: its bin directory first on PATH,
// the host's state directory in the environment; returns code and output.
import { spawnSync } from 'node:child_process';

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
