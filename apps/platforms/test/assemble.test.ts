// Per-platform builds from this workspace's built apps, run from where they
// were moved to, as an administrator unpacks them: the drivers of the
// platform and no other, a service's status, the agent from the build.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble, bundleImports } from '../src/assemble.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
let out: string;
let root: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'capsule-dist-'));
  root = join(out, 'root');
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
  await writeFile(join(root, 'etc/capsule/one.conf'), '[DEFAULT]\nnodes = n1\n\n[app#0]\nscript = /bin/true\n');
});
afterAll(async () => {
  spawnSync(join(out, 'opt/linux/bin/nodemgr'), ['daemon', 'stop'], { env: { PATH: process.env['PATH'], CAPSULE_ROOT: root, CAPSULE_NODENAME: 'n1' } });
  await rm(out, { recursive: true, force: true });
});

const run = (tree: string, program: string, args: string[]) =>
  spawnSync(join(tree, 'bin', program), args, { encoding: 'utf8', env: { PATH: process.env['PATH'], CAPSULE_ROOT: root, CAPSULE_NODENAME: 'n1' } });

// ssh2 and zod load lazily; etcd3 (with cockatiel, its fault policies) only with backend = etcd, and reads its .proto files from its own directory.
test('the bundles import only ssh2, zod and the etcd client from outside', () => {
  expect([...new Set([...bundleImports(join(repo, 'apps/cli/dist')), ...bundleImports(join(repo, 'apps/agent/dist'))])].sort()).toEqual(['cockatiel', 'etcd3', 'ssh2', 'zod']);
});

test('a linux build, moved elsewhere, runs with the linux drivers only: status and the agent from the build', async () => {
  const b = await assemble({ target: 'linux', repo, out: join(out, 'build'), tarball: true });
  expect(b.drivers).toEqual(expect.arrayContaining(['@capsule/driver-lxc', '@capsule/driver-kvm', '@capsule/driver-esx', '@capsule/resource-ip']));
  expect(b.drivers).not.toEqual(expect.arrayContaining(['@capsule/driver-jail']));
  expect(execFileSync('tar', ['-tzf', b.tarball!], { encoding: 'utf8' })).toMatch(/^capsule-[\d.]+-linux\/bin\/svcmgr$/m);
  await mkdir(join(out, 'opt'));
  const tree = join(out, 'opt/linux');
  await rename(b.dir, tree);

  const drivers = JSON.parse(run(tree, 'nodemgr', ['drivers', '--format', 'json']).stdout) as Array<{ name: string; dir: string; compatible: boolean }>;
  expect(drivers.map((d) => d.name).sort()).toEqual(b.drivers);
  expect(drivers.every((d) => d.compatible && d.dir.startsWith(tree))).toBe(true);

  // Through a link, as from /usr/bin: the wrapper finds lib/ beside its real place.
  await mkdir(join(out, 'usrbin'));
  await symlink(join(tree, 'bin/svcmgr'), join(out, 'usrbin/svcmgr'));
  const status = spawnSync(join(out, 'usrbin/svcmgr'), ['-s', 'one', 'print', 'status', '--refresh'], { encoding: 'utf8', env: { PATH: process.env['PATH'], CAPSULE_ROOT: root, CAPSULE_NODENAME: 'n1' } });
  expect(status).toMatchObject({ status: 0, stdout: expect.stringMatching(/app#0\s+\.\.\.\.\s+up/) });

  await writeFile(join(root, 'etc/capsule/node.conf'), `[cluster]\nname = solo\nnodes = n1\nsecret = ${'s'.repeat(32)}\n\n[hb#1]\nport = ${20000 + ((process.pid + 13) % 20000)}\naddr@n1 = 127.0.0.1\n`, { mode: 0o600 });
  expect(run(tree, 'nodemgr', ['daemon', 'start']).status).toBe(0);
  const pid = readFileSync(join(root, 'var/run/capsule/agent.pid'), 'utf8').trim();
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  expect(argv.slice(1, 4)).toEqual([join(tree, 'lib/node_modules/@capsule/agent/dist/bin/capsule-agent.js'), '--svcmgr', join(tree, 'lib/cli/dist/bin/svcmgr.js')]);
  expect(run(tree, 'nodemgr', ['daemon', 'stop']).status).toBe(0);
});

test('a win32 build has .cmd wrappers beside the node ones', async () => {
  const b = await assemble({ target: 'win32', repo, out: join(out, 'build') });
  expect(readFileSync(join(b.dir, 'bin/svcmgr.cmd'), 'utf8')).toBe('@node "%~dp0svcmgr" %*\r\n');
  expect(b.drivers).toContain('@capsule/driver-vbox');
  expect(b.drivers).not.toContain('@capsule/driver-lxc');
});

test('a freebsd build ships jail and the drivers that run anywhere, no linux driver; its rc.d script runs the prefix given', async () => {
  const b = await assemble({ target: 'freebsd', repo, out: join(out, 'build'), prefix: '/usr/local/capsule' });
  expect(readFileSync(join(b.dir, 'share/capsule/rc.d/capsule'), 'utf8')).toContain('/usr/local/capsule/bin/nodemgr');
  expect(b.drivers).toEqual(expect.arrayContaining(['@capsule/driver-jail', '@capsule/resource-app', '@capsule/driver-esx']));
  for (const linuxOnly of ['@capsule/driver-lxc', '@capsule/driver-kvm', '@capsule/resource-ip']) {
    expect(b.drivers).not.toContain(linuxOnly);
    expect(existsSync(join(b.dir, 'lib/node_modules', linuxOnly))).toBe(false);
  }
  // Listed on this linux host as what it is: a freebsd driver.
  expect(run(b.dir, 'nodemgr', ['drivers']).stdout).toMatch(/@capsule\/driver-jail\s+.*no: runs on freebsd, not linux/);
});
