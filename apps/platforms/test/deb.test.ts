// The Debian package as an administrator meets it: installed into a clean
// Debian 12 root (no Node there: Debian 12's is 18, the package brings its
// own), the seed's LXC encapsulation scenario run with the installed
// commands alone, the package upgraded under a running service (which stays
// up: same process), then removed and purged. Then the same root booted
// with systemd: the unit enabled, the agent started by systemd, its stop
// and the upgrade's restart leaving the service's process where it is.
import { DebianRoot, DebianSystem, until } from '@capsule/testenv';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../src/assemble.js';
import { buildDeb, type Deb } from '../src/deb/build.js';

const LONG = 600_000;
const repo = fileURLToPath(new URL('../../..', import.meta.url));
let out: string;
const debs: Deb[] = [];

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'capsule-deb-'));
  const b = await assemble({ target: 'linux', repo, out: join(out, 'build') });
  // Two revisions of one build: an upgrade is dpkg replacing one by the other.
  for (const revision of ['1', '2']) debs.push(buildDeb({ build: b, out, revision, nodeRuntime: process.execPath, compression: 'gzip' }));
}, LONG);
afterAll(() => rm(out, { recursive: true, force: true }));

/** A third-party driver (disk.toy, always up) as `nodemgr driver add` takes it: package/ in a .tgz, @capsule/core a peer. */
async function toyDriver(dir: string): Promise<void> {
  const pkg = { name: 'acme-capsule-toy', version: '1.0.0', type: 'module', exports: { '.': './dist/index.js', './package.json': './package.json' }, capsule: { apiVersion: 2, provides: ['disk.toy'], platforms: ['any'] }, peerDependencies: { '@capsule/core': '^0.1.0' } };
  const index = "import { defineDriver } from '@capsule/core';\nexport default defineDriver({ provides: ['disk.toy'], keywords: [], create: (init) => ({ rid: init.rid, label: () => 'toy', start: async () => {}, stop: async () => {}, status: async () => ({ status: 'up', log: [] }) }) });\n";
  await mkdir(join(dir, 'toy/package/dist'), { recursive: true });
  await writeFile(join(dir, 'toy/package/package.json'), JSON.stringify(pkg));
  await writeFile(join(dir, 'toy/package/dist/index.js'), index);
  execFileSync('tar', ['czf', join(dir, 'toy.tgz'), '-C', join(dir, 'toy'), 'package']);
}

test('the package: its files, their owners and modes, its control data', () => {
  const list = execFileSync('dpkg-deb', ['-c', debs[0]!.file], { encoding: 'utf8' });
  for (const path of ['./usr/bin/svcmgr -> ../lib/capsule/current/bin/svcmgr', './lib/systemd/system/capsule.service', './etc/logrotate.d/capsule', './usr/share/man/man5/capsule.conf.5.gz', './usr/share/man/man8/nodemgr.8.gz', './usr/share/bash-completion/completions/svcmgr', './usr/share/zsh/vendor-completions/_capsule', `./usr/lib/capsule/${debs[0]!.version}/node`]) {
    expect(list).toContain(path);
  }
  // Every entry root's, whoever built it; nothing writable by group or others.
  for (const line of list.trim().split('\n')) expect(line).toMatch(/^(?:[-d]rw[-x]r-[-x]r-[-x]|lrwxrwxrwx) root\/root /);
  const info = execFileSync('dpkg-deb', ['-f', debs[0]!.file, 'Version', 'Depends'], { encoding: 'utf8' });
  expect(info).toBe(`Version: ${debs[0]!.version}\nDepends: libc6, libstdc++6, libgcc-s1\n`);
});

describe('in a clean Debian 12 root', () => {
  let root: DebianRoot;
  beforeAll(async () => {
    root = await DebianRoot.create();
    for (const d of debs) copyFileSync(d.file, join(root.dir, 'tmp', d.file.split('/').pop()!));
  }, LONG);
  afterAll(async () => {
    await root?.run(['sh', '-c', 'for c in $(lxc-ls); do lxc-stop -k -n $c; lxc-destroy -f -n $c; done']);
    await root?.dispose();
  }, LONG);
  const svc = (...args: string[]) => root.ok(['svcmgr', '-s', 'demo', ...args], { CAPSULE_NODENAME: 'hv1' });
  const guestPid = () => root.ok(['lxc-attach', '-n', 'vm1', '--clear-env', '--', 'cat', '/tmp/web.pid']).then((s) => s.trim());

  test('install: the commands run on the bundled runtime, root-only /etc/capsule, man pages, completion, logrotate', async () => {
    expect((await root.run(['sh', '-c', 'command -v node'])).code).not.toBe(0);
    const installed = await root.ok(['dpkg', '-i', `/tmp/${debs[0]!.file.split('/').pop()}`]);
    expect(installed).toContain('no systemd here');
    expect(await root.ok(['svcmgr', '--version'])).toMatch(/^svcmgr \d+\.\d+\.\d+/);
    expect(statSync(join(root.dir, 'etc/capsule')).mode & 0o777).toBe(0o700);
    expect(await root.ok(['nodemgr', 'drivers'])).toMatch(/@capsule\/driver-lxc .* yes/);
    // The page of the service file lists the keywords of the drivers the package holds.
    expect(execFileSync('gzip', ['-dc', join(root.dir, 'usr/share/man/man5/capsule.conf.5.gz')], { encoding: 'utf8' })).toMatch(/^\.SH CONTAINER#N WITH TYPE = LXC /m);
    await root.ok(['bash', '-n', '/usr/share/bash-completion/completions/nodemgr']);
    expect(await root.ok(['bash', '-c', 'source /usr/share/bash-completion/completions/svcmgr; COMP_WORDS=(svcmgr print st); COMP_CWORD=2; _capsule_svcmgr; echo "${COMPREPLY[@]}"'])).toMatch(/\bstatus\b/);
    const rotate = await root.run(['logrotate', '-d', '/etc/logrotate.d/capsule']);
    expect(rotate.code).toBe(0);
    expect(rotate.stderr + rotate.stdout).not.toMatch(/error/i);
  }, LONG);

  test("the seed's LXC encapsulation with the installed commands alone; an upgrade under the running service; remove; purge", async () => {
    // The guest: busybox, its libraries the root's (the template binds /usr/lib, where the package lives), svcmgr the package's.
    await writeFile(join(root.dir, 'tmp/vm1.conf'), 'lxc.net.0.type = empty\nlxc.apparmor.profile = unconfined\n');
    await root.ok(['lxc-create', '-n', 'vm1', '-t', 'busybox', '-f', '/tmp/vm1.conf']);
    const guest = join(root.dir, 'var/lib/lxc/vm1/rootfs');
    await root.ok(['sh', '-c', `mkdir -p /var/lib/lxc/vm1/rootfs/usr/local/bin /var/lib/lxc/vm1/rootfs/etc/capsule/demo.d && ln -s /usr/lib/capsule/current/bin/svcmgr /var/lib/lxc/vm1/rootfs/usr/local/bin/svcmgr`]);
    await writeFile(join(guest, 'etc/capsule/demo.d/web'), '#!/bin/sh\ncase "$1" in start) httpd -p 8080 -h /srv/www && pidof httpd > /tmp/web.pid;; stop) killall httpd; rm -f /tmp/web.pid;; status) [ -e /tmp/web.pid ] && kill -0 $(cat /tmp/web.pid);; esac\n', { mode: 0o755 });
    await writeFile(
      join(root.dir, 'tmp/demo.conf'),
      ['[DEFAULT]', 'nodes = hv1', 'encapnodes = vm1', 'nodes@encapnodes = vm1', '', '[container#0]', 'type = lxc', 'name = vm1', 'stop_timeout = 1', '', '[fs#1]', 'dev = tmpfs', 'mnt = /srv/www', 'type = tmpfs', 'tags = encap', '', '[app#1]', 'script = web', 'tags = encap', ''].join('\n'),
    );
    await svc('create', '--config', '/tmp/demo.conf');
    await svc('start');
    const status = await svc('print', 'status', '--refresh');
    expect(status).toMatch(/container#0 .*up/);
    expect(status).toMatch(/app#1 .*E.*up/);
    const pid = await guestPid();
    expect(pid).toMatch(/^\d+$/);

    // A driver added to this version must serve on the next: its @capsule/core link follows the upgrade.
    await toyDriver(join(root.dir, 'tmp'));
    await root.ok(['nodemgr', 'driver', 'add', '/tmp/toy.tgz']);
    await writeFile(join(root.dir, 'tmp/toy.conf'), '[DEFAULT]\nnodes = hv1\n\n[disk#1]\ntype = toy\n');
    await root.ok(['svcmgr', '-s', 'toy', 'create', '--config', '/tmp/toy.conf'], { CAPSULE_NODENAME: 'hv1' });
    expect(await root.ok(['svcmgr', '-s', 'toy', 'print', 'status', '--refresh'], { CAPSULE_NODENAME: 'hv1' })).toMatch(/disk#1 .*up +toy/);

    // The agent runs (no systemd here: as an administrator starts it by hand); the upgrade leaves it and the service alone.
    await writeFile(join(root.dir, 'etc/capsule/node.conf'), '[cluster]\nname = demo\nnodes = hv1\nsecret = 0123456789abcdef0123456789abcdef\n\n[hb#1]\ntype = unicast\naddr@hv1 = 127.0.0.1\nport = 10000\n', { mode: 0o600 });
    await root.ok(['nodemgr', 'daemon', 'start'], { CAPSULE_NODENAME: 'hv1' });
    const upgraded = await root.ok(['dpkg', '-i', `/tmp/${debs[1]!.file.split('/').pop()}`]);
    expect(upgraded).toContain(`Unpacking capsule (${debs[1]!.version}) over (${debs[0]!.version})`);
    expect(existsSync(join(root.dir, 'usr/lib/capsule', debs[0]!.version))).toBe(false);
    expect(await guestPid()).toBe(pid);
    expect(await svc('print', 'status', '--refresh')).toMatch(/app#1 .*E.*up/);
    expect(await root.ok(['svcmgr', '-s', 'toy', 'print', 'status', '--refresh'], { CAPSULE_NODENAME: 'hv1' })).toMatch(/disk#1 .*up +toy/);
    await root.ok(['nodemgr', 'daemon', 'stop'], { CAPSULE_NODENAME: 'hv1' });
    expect(await guestPid()).toBe(pid);

    await svc('stop');
    expect(await svc('print', 'status')).toMatch(/container#0 .*down/);
    await root.ok(['lxc-destroy', '-n', 'vm1']);

    const removed = await root.ok(['dpkg', '-r', 'capsule']);
    expect(removed).toContain('Removing capsule');
    expect(existsSync(join(root.dir, 'usr/bin/svcmgr'))).toBe(false);
    expect(existsSync(join(root.dir, 'usr/lib/capsule', debs[1]!.version))).toBe(false);
    expect(existsSync(join(root.dir, 'etc/capsule/demo.conf'))).toBe(true);
    expect(existsSync(join(root.dir, 'etc/logrotate.d/capsule'))).toBe(true);
    const purged = await root.ok(['dpkg', '-P', 'capsule']);
    expect(purged).toContain('/etc/capsule and /var/lib/capsule are kept');
    expect(existsSync(join(root.dir, 'etc/logrotate.d/capsule'))).toBe(false);
    expect(existsSync(join(root.dir, 'var/log/capsule'))).toBe(false);
    expect(await root.ok(['dpkg-query', '-W', '-f', '${db:Status-Status}', 'capsule']).catch((e: Error) => e.message)).toMatch(/not-installed|no packages found/);
  }, LONG);
});

describe('on a Debian 12 system booted with systemd', () => {
  let sys: DebianSystem;
  beforeAll(async () => {
    sys = await DebianSystem.boot();
    for (const d of debs) copyFileSync(d.file, join(sys.rootfs, 'tmp', d.file.split('/').pop()!));
  }, LONG);
  afterAll(() => sys?.dispose(), LONG);

  const active = () => sys.run(['systemctl', 'is-active', 'capsule.service']).then((r) => r.stdout.trim());
  const mainPid = () => sys.ok(['systemctl', 'show', '-p', 'MainPID', '--value', 'capsule.service']).then((s) => s.trim());
  const appPid = () => sys.run(['cat', '/run/s1.pid']).then((r) => (r.code === 0 ? r.stdout.trim() : ''));
  const alive = (pid: string) => sys.run(['kill', '-0', pid]).then((r) => r.code === 0);
  const agentAnswers = () => sys.run(['nodemgr', 'daemon', 'status']).then((r) => r.code === 0);

  test('install enables the unit; systemd runs the agent; its stop and the upgrade leave the service running', async () => {
    const installed = await sys.ok(['dpkg', '-i', `/tmp/${debs[0]!.file.split('/').pop()}`]);
    // No node.conf yet: enabled, skipped by its condition, the administrator told what to write.
    expect(installed).toContain('write /etc/capsule/node.conf');
    expect((await sys.ok(['systemctl', 'is-enabled', 'capsule.service'])).trim()).toBe('enabled');
    expect(await active()).toBe('inactive');

    await writeFile(join(sys.rootfs, 'etc/capsule/node.conf'), `[cluster]\nname = deb\nnodes = ${sys.name}\nsecret = 0123456789abcdef0123456789abcdef\n\n[hb#1]\ntype = unicast\naddr@${sys.name} = 127.0.0.1\nport = 10000\n`, { mode: 0o600 });
    await sys.ok(['mkdir', '-p', '/etc/capsule/s1.d']);
    await writeFile(join(sys.rootfs, 'etc/capsule/s1.d/run'), '#!/bin/sh\ncase "$1" in start) setsid sleep 100000 </dev/null >/dev/null 2>&1 & echo $! > /run/s1.pid;; stop) kill $(cat /run/s1.pid); rm -f /run/s1.pid;; status) [ -f /run/s1.pid ] && kill -0 $(cat /run/s1.pid);; esac\n', { mode: 0o755 });
    await writeFile(join(sys.rootfs, 'tmp/s1.conf'), `[DEFAULT]\nnodes = ${sys.name}\norchestrate = ha\n\n[app#1]\nscript = run\n`);
    await sys.ok(['svcmgr', '-s', 's1', 'create', '--config', '/tmp/s1.conf']);
    await sys.ok(['systemctl', 'start', 'capsule.service']);
    await until('the agent to answer', agentAnswers, 60_000);
    // Started here and stopped here only: the target stays started, so the agent starts it, in its own cgroup.
    await sys.ok(['svcmgr', '-s', 's1', 'start']);
    await sys.ok(['svcmgr', '-s', 's1', 'stop', '--local']);
    const pid = await until('the agent to start s1 again', async () => {
      const p = await appPid();
      return p && (await alive(p)) ? p : undefined;
    }, 60_000);
    expect(await sys.ok(['cat', `/proc/${pid}/cgroup`])).toContain('capsule.service');

    await sys.ok(['systemctl', 'stop', 'capsule.service']);
    expect(await active()).toBe('inactive');
    expect(await alive(pid)).toBe(true);

    await sys.ok(['systemctl', 'start', 'capsule.service']);
    await until('the agent to answer again', agentAnswers, 60_000);
    const before = await mainPid();
    const upgraded = await sys.ok(['dpkg', '-i', `/tmp/${debs[1]!.file.split('/').pop()}`]);
    expect(upgraded).toContain(`Unpacking capsule (${debs[1]!.version}) over (${debs[0]!.version})`);
    expect(await active()).toBe('active');
    const after = await mainPid();
    expect(after).not.toBe(before);
    expect(await sys.ok(['readlink', '-f', `/proc/${after}/exe`])).toContain(`/usr/lib/capsule/${debs[1]!.version}/node`);
    expect(await alive(pid)).toBe(true);
    await until('the upgraded agent to answer', agentAnswers, 60_000);
    expect(await sys.ok(['svcmgr', '-s', 's1', 'print', 'status', '--refresh'])).toMatch(/app#1 .*up/);
    expect(await appPid()).toBe(pid);

    await sys.ok(['dpkg', '-r', 'capsule']);
    expect(await active()).not.toBe('active');
    expect(await alive(pid)).toBe(true);
  }, LONG);
});
