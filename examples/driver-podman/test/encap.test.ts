// Service encapsulation through the packed driver: the tarball `pnpm pack`
// makes is installed into a throwaway CAPSULE_ROOT with `nodemgr driver
// add`, as a node installs it, and this repository's svcmgr runs a service whose container#1 is a
// real Podman container (created from its image by the driver) with an
// encapsulated app run by the capsule agent inside it (node, the repository
// and svcmgr wrappers mounted read-only, as the LXC test guests have them).
import { localExec } from '@capsule/transport';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { podmanState, TestPodman, uniqueName } from './podman.js';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const repo = join(pkgDir, '../..');
const cliBin = (prog: string) => join(repo, 'apps/cli/dist/bin', `${prog}.js`);
const podman = new TestPodman();
const svc = 'web1';
let root: string;
let guestName: string;

/** Runs a command to its exit (bounded), with its output. */
function run(argv: string[], env: Record<string, string> = {}, cwd = pkgDir, timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const nodemgr = (...args: string[]) => run([process.execPath, cliBin('nodemgr'), ...args], { CAPSULE_ROOT: root });
const hv = (...args: string[]) => run([process.execPath, cliBin('svcmgr'), '-s', svc, ...args], { CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1', CAPSULE_GUEST_STATUS_TIMEOUT: '10' });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-hv-podman-'));
  const tmp = await podman.tmp();
  // The tarball a node gets: built by prepack, dist/ only.
  const pack = await run(['pnpm', 'pack', '--pack-destination', tmp], {}, pkgDir, 180_000);
  if (pack.code !== 0) throw new Error(`pnpm pack: ${pack.stderr}`);
  const tgz = join(tmp, readdirSync(tmp).find((f) => f.endsWith('.tgz'))!);
  const add = await nodemgr('driver', 'add', tgz);
  if (add.code !== 0) throw new Error(`nodemgr driver add: ${add.stderr}`);

  // The guest's svcmgr: this build, run by the host's node (its libraries mounted with it).
  const bin = join(tmp, 'bin');
  await mkdir(bin);
  for (const prog of ['svcmgr', 'nodemgr', 'svcmon']) {
    await writeFile(join(bin, prog), `#!/bin/sh\nexec ${process.execPath} ${cliBin(prog)} "$@"\n`);
    await chmod(join(bin, prog), 0o755);
  }
  // The encapsulated app's launcher, in the guest's etc/capsule/web1.d.
  const scripts = join(tmp, `${svc}.d`);
  await mkdir(scripts);
  await writeFile(join(scripts, 'shop'), '#!/bin/sh\ncase "$1" in start) touch /tmp/shop.up;; stop) rm -f /tmp/shop.up;; status) [ -e /tmp/shop.up ];; esac\n');
  await chmod(join(scripts, 'shop'), 0o755);

  guestName = uniqueName('capsule-enc-');
  podman.adopt(guestName);
  const mounts = [[process.execPath, process.execPath], ['/usr/lib', '/usr/lib'], ['/lib64', '/lib64'], ['/lib', '/lib'], [repo, repo], [bin, '/usr/local/bin'], [scripts, `/etc/capsule/${svc}.d`]];
  const runArgs = [...podman.hostArgs, '--network', 'none', ...mounts.flatMap(([from, to]) => ['-v', `${from}:${to}:ro`])];
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
  await writeFile(
    join(root, `${svc}.conf`),
    `[DEFAULT]
nodes = hv1
encapnodes = ${guestName}
nodes@encapnodes = ${guestName}

[container#1]
type = podman
name = ${guestName}
hostname = ${guestName}
image = ${await podman.image()}
run_args = ${runArgs.join(' ')}
start_timeout = 30
stop_timeout = 5

[app#1]
script = shop
tags = encap
`,
  );
}, 240_000);

afterAll(async () => {
  await podman.dispose();
  await rm(root, { recursive: true, force: true });
}, 60_000);

const guestHas = async (path: string) => (await localExec(['podman', 'exec', guestName, 'test', '-e', path])).code === 0;

test('the tarball added with nodemgr driver add drives a podman container with an agent inside: create, start, status folded, stop, delete, driver removed', async () => {
  expect((await nodemgr('driver', 'list')).stdout).toMatch(/capsule-driver-podman.*container\.podman/);

  expect(await hv('create', '--config', join(root, `${svc}.conf`))).toMatchObject({ code: 0 });
  const start = await hv('start');
  expect(start).toMatchObject({ code: 0 });
  expect(start.stderr).toContain(`podman create --name ${guestName}`);
  expect([await podmanState(guestName), await guestHas('/tmp/shop.up')]).toEqual(['running', true]);

  const status = await hv('print', 'status', '--refresh');
  expect(status.code).toBe(0);
  expect(status.stdout.split('\n').slice(0, 6)).toEqual([
    expect.stringMatching(/^web1 +up$/),
    expect.stringMatching(/^overall +up$/),
    expect.stringMatching(/^\|- avail +up$/),
    expect.stringMatching(new RegExp(`^\\|  '- container#1 +\\.\\.\\.\\. up +${guestName}$`)),
    expect.stringMatching(/^\|     '- app#1 +\.\.\.E up +shop$/),
    expect.stringMatching(/^'- hb +n\/a$/),
  ]);
  // Inside the container, the agent sees its own part of the service only.
  const inside = await localExec(['podman', 'exec', guestName, 'svcmgr', '-s', svc, 'print', 'status']);
  expect(inside.stdout).toMatch(/'- app#1 +\.\.\.E up +shop\n/);
  expect(inside.stdout).not.toContain('container#1');

  const stop = await hv('stop');
  expect(stop).toMatchObject({ code: 0 });
  expect(await podmanState(guestName)).toBe('exited');
  const log = (await hv('logs')).stdout;
  // The guest's level first, then the container.
  expect(log.indexOf(`${guestName}: svcmgr -s ${svc} stop`)).toBeGreaterThan(-1);
  expect(log.indexOf(`${guestName}: svcmgr -s ${svc} stop`)).toBeLessThan(log.lastIndexOf('podman stop'));
  expect((await hv('status')).code).toBe(1);

  expect(await hv('delete')).toMatchObject({ code: 0 });
  expect(existsSync(join(root, `etc/capsule/${svc}.conf`))).toBe(false);

  // No service uses it any more: removed without --force, and gone from the node.
  expect(await nodemgr('driver', 'remove', 'capsule-driver-podman')).toMatchObject({ code: 0 });
  expect((await nodemgr('driver', 'list')).stdout).not.toContain('capsule-driver-podman');
  expect(existsSync(join(root, 'usr/lib/capsule/drivers/node_modules/capsule-driver-podman'))).toBe(false);
}, 240_000);
