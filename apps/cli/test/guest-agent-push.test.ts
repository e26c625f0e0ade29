// A guest without Node: a busybox LXC container with neither node nor this
// repository in it, a container section with `push_agent = true`. The
// hypervisor runs a linux build (pnpm dist --platform linux) whose
// lib/guest/svcmgr is the single-executable guest agent: start pushes it
// and starts the encapsulated app, status folds the guest's answer, stop.
import { localExec } from '@capsule/transport';
import { TestContainers, REPO_ROOT, type TestContainer } from '@capsule/testenv';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const lxc = new TestContainers();
let tmp: string;
/** A linux build with its guest agent: made once per run (CAPSULE_TEST_LINUX_BUILD: one already made). */
let build: string;
let vm: TestContainer;
let root: string;

function run(argv: string[], env: Record<string, string> = {}) {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function linuxBuild(): string {
  const given = process.env['CAPSULE_TEST_LINUX_BUILD'];
  if (given) return given;
  const made = run([process.execPath, join(REPO_ROOT, 'apps/platforms/dist/bin/capsule-dist.js'), '--platform', 'linux', '--out', tmp]);
  if (made.code !== 0) throw new Error(`pnpm dist --platform linux failed: ${made.stderr}`);
  return join(tmp, readdirSync(tmp).find((d) => d.endsWith('-linux'))!);
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capsule-push-'));
  build = linuxBuild();
  const agent = join(build, 'lib/guest/svcmgr');
  if (!existsSync(agent)) {
    const made = run([process.execPath, join(REPO_ROOT, 'tooling/bundle/sea.mjs'), '--from', build, '--out', agent]);
    if (made.code !== 0) throw new Error(`the guest agent build failed: ${made.stderr}`);
  }
  vm = await lxc.create({ agent: false });
  const d = join(vm.rootfs, 'etc/capsule/web1.d');
  await mkdir(d, { recursive: true });
  await writeFile(join(d, 'shop'), '#!/bin/sh\ncase "$1" in start) touch /tmp/shop.up;; stop) rm -f /tmp/shop.up;; status) [ -e /tmp/shop.up ];; esac\n');
  await chmod(join(d, 'shop'), 0o755);
}, 120_000);
afterAll(async () => {
  await lxc.dispose();
  await rm(tmp, { recursive: true, force: true });
}, 60_000);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-hv-'));
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
  await writeFile(
    join(root, 'etc/capsule/web1.conf'),
    `[DEFAULT]
nodes = hv1
encapnodes = ${vm.name}
nodes@encapnodes = ${vm.name}

[container#0]
type = lxc
name = ${vm.name}
lxcpath = ${vm.lxcpath}
push_agent = true
start_timeout = 20
stop_timeout = 1

[app#1]
script = shop
tags = encap
`,
  );
});
afterEach(async () => {
  await localExec(['lxc-stop', '-P', vm.lxcpath, '-n', vm.name, '-k']);
  await rm(join(vm.rootfs, 'usr/local/bin'), { recursive: true, force: true });
  await rm(join(vm.rootfs, 'var/lib/capsule'), { recursive: true, force: true });
  await rm(join(vm.rootfs, 'etc/capsule/web1.conf'), { force: true });
  await rm(root, { recursive: true, force: true });
}, 30_000);

/** The hypervisor: the build's own svcmgr, which finds its guest agent beside its lib/cli. */
const hv = (...args: string[]) => run([process.execPath, join(build, 'bin/svcmgr'), '-s', 'web1', ...args], { CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1', CAPSULE_GUEST_STATUS_TIMEOUT: '20' });
const inGuest = (...argv: string[]) => localExec(['lxc-attach', '-P', vm.lxcpath, '-n', vm.name, '--clear-env', '--', ...argv]);

test('start pushes the agent into a guest without Node, runs the encap app; status folds it; stop', async () => {
  // Started by hand: the guest has no agent until the start below.
  expect((await localExec(['lxc-start', '-P', vm.lxcpath, '-n', vm.name, '-d'])).code).toBe(0);
  expect((await localExec(['lxc-wait', '-P', vm.lxcpath, '-n', vm.name, '-s', 'RUNNING', '-t', '20'])).code).toBe(0);
  // No node in the guest, by any name a guest would find it; no svcmgr either.
  expect((await inGuest('sh', '-c', 'command -v node || ls /usr/bin/node /usr/local/bin/node /opt/*/bin/node')).code).not.toBe(0);
  expect((await inGuest('svcmgr', '--version')).code).toBe(127);

  // A status never pushes (the daemon asks every few seconds): it says that a start will.
  const before = hv('print', 'status', '--refresh', '--format', 'json');
  expect(before.stderr).not.toMatch(/pushing the guest agent/);
  expect(before.stdout).toContain('push_agent = true: the next start or stop of web1 pushes');
  expect((await inGuest('svcmgr', '--version')).code).toBe(127);

  const start = hv('start');
  expect(start.stderr).toMatch(/pushing the guest agent \S+ guest-agent [0-9a-f]{12} \(\d+\.\d MiB\) into \/usr\/local\/bin/);
  expect(start.code).toBe(0);
  const ours = run([join(build, 'lib/guest/svcmgr'), '--version']).stdout;
  expect((await inGuest('svcmgr', '--version')).stdout).toBe(ours);
  expect((await inGuest('test', '-e', '/tmp/shop.up')).code).toBe(0);
  // Unpacked once, under the guest's var/lib/capsule.
  expect(readdirSync(join(vm.rootfs, 'var/lib/capsule/guest-agent'))).toEqual([ours.trim().split(' ').pop()]);

  expect(hv('print', 'status', '--refresh').stdout).toBe(
    [
      'web1                      up',
      'overall                   up',
      '|- avail                  up',
      `|  '- container#0    .... up       ${vm.name}`,
      "|     '- app#1       ...E up       shop",
      "'- hb                     n/a",
      '',
    ].join('\n'),
  );
  // The pushed binary also answers as nodemgr and svcmon in the guest.
  expect((await inGuest('nodemgr', 'drivers')).stdout).toMatch(/@capsule\/resource-app/);
  expect((await inGuest('nodemgr', 'drivers')).stdout).not.toMatch(/driver-lxc/);

  const stop = hv('stop');
  expect(stop.code).toBe(0);
  expect((await inGuest('test', '-e', '/tmp/shop.up')).code).not.toBe(0);
}, 180_000);

test('an older pushed copy in the guest is replaced before the action; an agent the administrator installed is kept', async () => {
  const bin = join(vm.rootfs, 'usr/local/bin');
  await mkdir(bin, { recursive: true });
  // What an earlier build left: it answers as a pushed agent of another build, and would fail any real call.
  await writeFile(join(bin, 'svcmgr'), "#!/bin/sh\n[ \"$1\" = --version ] && echo '0.0.1 guest-agent 000000000000' && exit 0\nexit 3\n", { mode: 0o755 });
  expect(hv('startcontainer', '--master').code).toBe(0);
  const start = hv('start');
  expect(start.code).toBe(0);
  const ours = run([join(build, 'lib/guest/svcmgr'), '--version']).stdout;
  expect((await inGuest('svcmgr', '--version')).stdout).toBe(ours);
  expect(hv('stop').code).toBe(0);

  // Not ours: capsule installed by other means answers its bare version, and is left as it is.
  await writeFile(join(bin, 'svcmgr'), "#!/bin/sh\n[ \"$1\" = --version ] && echo '0.0.1' && exit 0\necho '{\"error\":{\"code\":\"Frozen\",\"message\":\"mine\"}}' >&2\nexit 1\n", { mode: 0o755 });
  expect(hv('startcontainer', '--master').code).toBe(0);
  const mine = hv('start');
  expect(mine.code).not.toBe(0);
  expect(mine.stderr).not.toMatch(/pushing the guest agent/);
  expect((await inGuest('svcmgr', '--version')).stdout).toBe('0.0.1\n');
}, 180_000);
