// The CLI run by an unprivileged user against a root-only CAPSULE_ROOT: one
// named error (NeedsRoot) and a nonzero exit, never a raw EACCES, an empty
// log with exit 0, or "start the daemon" while it runs.
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEntry } from './cli.js';

const NOBODY = 65534;
let root: string;
let daemon: Server;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-nonroot-'));
  // As on a real node: the root is readable, capsule's own directories are root's.
  await chmod(root, 0o755);
  for (const d of ['etc/capsule', 'var/lib/capsule/web', 'var/run/capsule']) await mkdir(join(root, d), { recursive: true });
  await writeFile(join(root, 'etc/capsule/web.conf'), '[DEFAULT]\nnodes = hv1\n\n[app#1]\nstart = 1\n');
  await writeFile(join(root, 'etc/capsule/node.conf'), '[cluster]\nname = c1\n', { mode: 0o600 });
  await writeFile(join(root, 'var/lib/capsule/web/log'), 'the action log\n');
  for (const d of ['etc/capsule', 'var/lib/capsule', 'var/run/capsule']) await chmod(join(root, d), 0o700);
  // Something answers on the agent's socket: the daemon runs.
  daemon = createServer((s) => s.end('{}\n'));
  await new Promise<void>((resolve) => daemon.listen(join(root, 'var/run/capsule/agent.sock'), resolve));
});
afterAll(async () => {
  await new Promise((resolve) => daemon.close(resolve));
  await rm(root, { recursive: true, force: true });
});

function asNobody(program: 'svcmgr' | 'nodemgr' | 'svcmon', args: string[]) {
  const r = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, cliEntry(program), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test.each<['svcmgr' | 'nodemgr' | 'svcmon', string[]]>([
  ['svcmgr', ['-s', 'web', 'print', 'config']],
  ['svcmgr', ['-s', 'web', 'print', 'config', '--raw']],
  ['svcmgr', ['-s', 'web', 'print', 'status']],
  ['svcmgr', ['-s', 'web', 'logs']],
  ['svcmgr', ['-s', 'web', 'start']],
  ['svcmgr', ['-s', 'web', 'validate', 'config']],
  ['svcmgr', ['ls']],
  ['svcmon', []],
  ['nodemgr', ['daemon', 'status']],
  ['nodemgr', ['get', '--param', 'cluster.name']],
  ['nodemgr', ['validate', 'config']],
])('%s %j as nobody: NeedsRoot, exit 1', (program, args) => {
  const r = asNobody(program, args);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(new RegExp(`^error: ${program} needs root: permission denied on ${root}/[^\\n]+\\n  hint: run it as root: sudo ${program} \\.\\.\\.\\n$`));
  expect(r.code).toBe(1);
  const json = asNobody(program, [...args, '--format', 'json']);
  expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'NeedsRoot' } });
  expect(json.code).toBe(1);
});
