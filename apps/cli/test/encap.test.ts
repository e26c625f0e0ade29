// Service encapsulation end to end: a hypervisor (this machine, CAPSULE_ROOT
// in a temp dir) and a real LXC container running the same capsule build.
import { localExec } from '@capsule/transport';
import { TestContainers, until, type TestContainer } from '@capsule/testenv';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliProcess } from './cli.js';

const lxc = new TestContainers();
let bridge: string;
let vm: TestContainer;
let root: string;
let conf: string;

beforeAll(async () => {
  bridge = await lxc.bridge();
  vm = await lxc.create({ bridge, agent: true });
  // The encapsulated app's launcher lives in the guest.
  const d = join(vm.rootfs, 'etc/capsule/web1.d');
  await mkdir(d, { recursive: true });
  await writeFile(join(d, 'shop'), '#!/bin/sh\ncase "$1" in start) touch /tmp/shop.up;; stop) rm -f /tmp/shop.up;; status) [ -e /tmp/shop.up ];; esac\n');
  await chmod(join(d, 'shop'), 0o755);
}, 60_000);
afterAll(() => lxc.dispose(), 60_000);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-hv-'));
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
  conf = join(root, 'etc/capsule/web1.conf');
  await writeFile(
    conf,
    `[DEFAULT]
nodes = hv1
encapnodes = ${vm.name}
nodes@encapnodes = ${vm.name}

[env]
backup_password = s3cret

[container#0]
type = lxc
name = ${vm.name}
lxcpath = ${vm.lxcpath}
start_timeout = 20
stop_timeout = 1

[fs#1]
dev = tmpfs
mnt = ${root}/hvdata
type = tmpfs

[fs#2]
dev = tmpfs
mnt = /srv/data
type = tmpfs
tags = encap

[app#1]
script = shop
tags = encap
`,
  );
});
afterEach(async () => {
  await localExec(['lxc-stop', '-P', vm.lxcpath, '-n', vm.name, '-k']);
  await rm(join(vm.rootfs, 'etc/capsule/web1.conf'), { force: true });
  await rm(join(vm.rootfs, 'var/lib/capsule'), { recursive: true, force: true });
  await localExec(['umount', '-l', join(root, 'hvdata')]);
  await rm(root, { recursive: true, force: true });
}, 30_000);

const hv = (...args: string[]) => cli('svcmgr', ['-s', 'web1', ...args], { CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1', CAPSULE_GUEST_STATUS_TIMEOUT: '5' });
const guest = (...args: string[]) => localExec(['lxc-attach', '-P', vm.lxcpath, '-n', vm.name, '--clear-env', '--', 'svcmgr', '-s', 'web1', ...args]);
const guestHas = async (path: string) => (await localExec(['lxc-attach', '-P', vm.lxcpath, '-n', vm.name, '--clear-env', '--', 'test', '-e', path])).code === 0;
const guestMounted = async () => (await localExec(['lxc-attach', '-P', vm.lxcpath, '-n', vm.name, '--clear-env', '--', 'grep', '-q', ' /srv/data ', '/proc/self/mountinfo'])).code === 0;

test('the seed scenario: start chains both levels, status folds the guest, stop goes guest first', async () => {
  const start = hv('start');
  expect(start.stderr).toMatch(/fs#1: start tmpfs@/);
  expect(start.code).toBe(0);
  expect([await guestHas('/tmp/shop.up'), await guestMounted()]).toEqual([true, true]);
  // The guest got its view of the service file, validated: nothing of the hypervisor level, no secret.
  const inGuest = await readFile(join(vm.rootfs, 'etc/capsule/web1.conf'), 'utf8');
  expect(inGuest).toContain('[fs#2]');
  expect(inGuest).toContain('[app#1]');
  for (const hidden of ['[env]', 's3cret', '[container#0]', '[fs#1]', 'hvdata']) expect(inGuest).not.toContain(hidden);

  expect(hv('print', 'status', '--refresh').stdout).toBe(
    [
      'web1                      up',
      'overall                   up',
      '|- avail                  up',
      `|  |- fs#1           .... up       tmpfs@${root}/hvdata`,
      `|  '- container#0    .... up       ${vm.name}`,
      '|     |- fs#2        ...E up       tmpfs@/srv/data',
      "|     '- app#1       ...E up       shop",
      "'- hb                     n/a",
      '',
    ].join('\n'),
  );
  // Inside the container, the same service shows only its own resources.
  const inside = await guest('print', 'status');
  expect(inside.stdout).toBe(
    [
      'web1                      up',
      'overall                   up',
      '|- avail                  up',
      '|  |- fs#2           ...E up       tmpfs@/srv/data',
      "|  '- app#1          ...E up       shop",
      "'- hb                     n/a",
      '',
    ].join('\n'),
  );
  expect(JSON.parse((await guest('get', '--param', 'nodes', '--eval', '--format', 'json')).stdout)).toEqual([vm.name]);

  const stop = hv('stop');
  expect(stop.code).toBe(0);
  const log = hv('logs').stdout;
  expect(log.indexOf(`${vm.name}: svcmgr -s web1 stop`)).toBeGreaterThan(-1);
  expect(log.indexOf(`${vm.name}: svcmgr -s web1 stop`)).toBeLessThan(log.lastIndexOf(`container#0: stop ${vm.name}`));
  expect(hv('status').code).toBe(1);
}, 120_000);

test('sub-actions: --slave, --master, --slaves, and the error without any', async () => {
  expect(hv('startcontainer').code).toBe(0);
  const ambiguous = hv('startfs');
  expect(ambiguous.code).toBe(1);
  expect(ambiguous.stderr).toMatch(/startfs touches resources on the hypervisor \(fs#1\) and in the containers \(fs#2\)\n  hint: say where with --master, --slave .* or --slaves/);

  expect(hv('startapp', '--slave', vm.name).code).toBe(0);
  expect(await guestHas('/tmp/shop.up')).toBe(true);
  expect(hv('startfs', '--master').code).toBe(0);
  expect(await guestMounted()).toBe(false);
  expect(hv('startfs', '--slaves').code).toBe(0);
  expect(await guestMounted()).toBe(true);
  expect(hv('stopfs', '--master').code).toBe(0);
  expect((await localExec(['findmnt', join(root, 'hvdata')])).code).toBe(1);
  expect(await guestMounted()).toBe(true);
  expect(hv('stopapp', '--slave', 'container#0').code).toBe(0);
  expect(await guestHas('/tmp/shop.up')).toBe(false);
  expect(hv('startapp', '--slave', 'nosuchvm').stderr).toMatch(/web1 has no container nosuchvm/);
}, 120_000);

test('an edit made in the container survives the next hypervisor action; an older guest copy is replaced', async () => {
  expect(hv('start').code).toBe(0);
  // Edit inside the guest.
  expect((await guest('set', '--param', 'app#1.comment', '--value', 'edited in the guest')).code).toBe(0);
  const guestVersion = JSON.parse((await guest('print', 'config', 'version')).stdout) as { generation: number; hash: string };
  expect(hv('startapp', '--slaves').code).toBe(0);
  expect(await readFile(conf, 'utf8')).toContain('comment = edited in the guest');
  // The fetched copy is the guest's generation, not a new one, merged into the hypervisor's file:
  // the next sync finds both in step, and the hypervisor level is all there.
  expect(JSON.parse(hv('print', 'config', 'version').stdout).generation).toBe(guestVersion.generation);
  expect(hv('startapp', '--slaves').stderr).not.toMatch(/fetched|pushed/);
  expect(await readFile(conf, 'utf8')).toContain('backup_password = s3cret');
  expect(await readFile(conf, 'utf8')).toContain('[container#0]');
  expect(hv('get', '--param', 'app#1.comment').stdout).toBe('edited in the guest\n');
  expect((await guest('get', '--param', 'app#1.comment')).stdout).toBe('edited in the guest\n');

  // Now the hypervisor edits, and the guest copy is older: it is replaced.
  await new Promise((r) => setTimeout(r, 20));
  expect(hv('set', '--param', 'app#1.comment', '--value', 'edited on the hypervisor').code).toBe(0);
  expect(hv('startapp', '--slaves').code).toBe(0);
  expect((await guest('get', '--param', 'app#1.comment')).stdout).toBe('edited on the hypervisor\n');

  // An invalid edit in the guest (by hand: a new generation there) is never installed on the hypervisor.
  const guestConf = join(vm.rootfs, 'etc/capsule/web1.conf');
  // (An unknown keyword would only be a warning: a bad value is what makes the file invalid.)
  await writeFile(guestConf, (await readFile(guestConf, 'utf8')) + 'restart = many\n');
  const r = hv('startapp', '--slaves');
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/app#1\.restart: expected an integer/);
  expect(await readFile(conf, 'utf8')).not.toContain('many');
}, 120_000);

test('a guest cannot change what the hypervisor runs: its copy is held for review, nothing of it runs', async () => {
  expect(hv('start').code).toBe(0);
  const before = await readFile(conf, 'utf8');
  const pwned = join(root, 'pwned');
  // The attack: a hypervisor-level hook written from inside the guest.
  expect((await guest('set', '--param', 'app#hv.pre_stop', '--value', `touch ${pwned}`)).code).toBe(0);
  const r = hv('startapp', '--slaves');
  expect(r.code).toBe(0);
  expect(await readFile(conf, 'utf8')).toBe(before);
  expect(existsSync(join(root, `var/lib/capsule/web1/from-${vm.name}.conf`))).toBe(true);
  const status = hv('print', 'status', '--refresh').stdout;
  expect(status).toContain(`config from ${vm.name} changes hypervisor-level keywords: app#hv.pre_stop`);
  expect(status).toContain(`svcmgr -s web1 sync --accept-from ${vm.name}`);
  expect(hv('print', 'config', '--diff-guest', vm.name).stdout).toContain(`app#hv.pre_stop\n  here:      (unset)`);
  // Not pushed over either: the guest keeps its edit until an administrator decides.
  expect(hv('startapp', '--slaves').code).toBe(0);
  expect((await guest('get', '--param', 'app#hv.pre_stop')).stdout).toBe(`touch ${pwned}\n`);
  expect(hv('stop').code).toBe(0);
  expect(existsSync(pwned)).toBe(false);
  // The administrator accepts it: now it is this node's file.
  expect(hv('sync', '--accept-from', vm.name).code).toBe(0);
  expect(hv('get', '--param', 'app#hv.pre_stop').stdout).toBe(`touch ${pwned}\n`);
  expect(existsSync(join(root, `var/lib/capsule/web1/from-${vm.name}.conf`))).toBe(false);
}, 120_000);

test('a guest cannot read a hypervisor secret by naming it: its copy is held, the secret stays here', async () => {
  expect(hv('start').code).toBe(0);
  const guestConf = join(vm.rootfs, 'etc/capsule/web1.conf');
  await writeFile(guestConf, (await readFile(guestConf, 'utf8')) + 'comment = {env.backup_password}\n');
  // The guest's action fails in the guest, on its own unresolved reference; the secret is not sent to fix it.
  expect(hv('startapp', '--slaves').stderr).toMatch(/app#1\.comment: \{env\.backup_password\} refers to a keyword that is not set/);
  expect(await readFile(guestConf, 'utf8')).not.toContain('s3cret');
  expect(hv('print', 'status', '--refresh').stdout).toContain(`config from ${vm.name} changes hypervisor-level keywords: env.backup_password`);
  expect(hv('print', 'config', '--diff-guest', vm.name).stdout).toContain(`env.backup_password\n  here:      (not shown to ${vm.name})`);
}, 120_000);

test("a guest's error keeps its code and hint across the hop", async () => {
  expect(hv('start').code).toBe(0);
  expect((await guest('freeze')).code).toBe(0);
  try {
    const r = hv('stopapp', '--slaves', '--format', 'json');
    expect(r.code).toBe(1);
    const err = (JSON.parse(r.stderr.trim().split('\n').pop()!) as { error: unknown }).error;
    expect(err).toMatchObject({ code: 'ServiceFrozen', message: expect.stringContaining(`container#0: in ${vm.name}: web1 is frozen`), hint: expect.stringContaining('thaw') });
  } finally {
    expect((await guest('thaw')).code).toBe(0);
  }
}, 120_000);

test("the guest's action lines reach the hypervisor as they happen, prefixed by the container", async () => {
  // A launcher that starts only once the test says so: its first line must arrive while it waits.
  const d = join(vm.rootfs, 'etc/capsule/web1.d');
  await writeFile(join(d, 'slow'), '#!/bin/sh\ncase "$1" in start) echo "warming the cache"; while [ ! -e /var/go ]; do sleep 0.1; done; touch /tmp/slow.up;; stop) rm -f /tmp/slow.up /var/go;; status) [ -e /tmp/slow.up ];; esac\n', { mode: 0o755 });
  await writeFile(conf, (await readFile(conf, 'utf8')).replace('script = shop', 'script = slow'));
  const p = cliProcess('svcmgr', ['-s', 'web1', 'start'], { CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1' });
  let seen = '';
  p.child.stderr!.on('data', (b: Buffer) => (seen += b.toString()));
  await until('the guest line before the guest is done', async () => seen.includes(`container#0: ${vm.name}: app#1: start slow`)).catch((e: Error) => {
    throw new Error(`${e.message}\n${seen}`);
  });
  expect(p.child.exitCode).toBeNull();
  await writeFile(join(vm.rootfs, 'var/go'), '');
  expect((await p.done).code).toBe(0);
  // The launcher's own output comes when its command ends, in the same stream.
  expect(seen).toContain(`container#0: ${vm.name}: app#1: warming the cache`);
  expect(hv('logs').stdout).toContain(`container#0: ${vm.name}: app#1: start slow`);
}, 120_000);

test('start --dry-run with the container down shows the whole plan, guest level included, and changes nothing', async () => {
  const r = hv('start', '--dry-run');
  expect(r).toMatchObject({ code: 0 });
  expect(r.stderr).toMatch(/would start container#0/);
  expect(r.stderr).toMatch(new RegExp(`${vm.name} is not running yet: would run \`svcmgr -s web1 start --dry-run\` in it once it is up`));
  expect((await localExec(['lxc-info', '-P', vm.lxcpath, '-n', vm.name, '-s', '-H'])).stdout.trim()).toBe('STOPPED');
});

test('faults: a killed container, a missing agent, a hanging agent', async () => {
  expect(hv('start').code).toBe(0);
  await localExec(['lxc-stop', '-P', vm.lxcpath, '-n', vm.name, '-k']);
  const killed = hv('print', 'status', '--refresh');
  expect(killed.stdout).toContain(`|  '- container#0    .... down     ${vm.name}`);
  expect(killed.stdout).toContain('warn: container is down: encapsulated status not asked');
  expect(killed.stdout).toContain('|     |- fs#2        ...E down');
  expect(killed.stdout).toContain("|     '- app#1       ...E n/a");
  expect(killed.stdout.split('\n')[0]).toMatch(/^web1\s+warn$/);
  // An encapsulated action cannot reach a stopped guest: a named error, nothing half done.
  const unreachable = hv('startapp', '--slaves');
  expect(unreachable.code).toBe(1);
  expect(unreachable.stderr).toMatch(/container#0: capsule-t-\S+ is not running: cannot startapp its encapsulated resources\n  hint: start it first/);

  // No agent in the guest: exit 127 is a named error.
  const wrapper = join(vm.rootfs, 'usr/local/bin/svcmgr');
  const saved = await readFile(wrapper, 'utf8');
  await rm(wrapper);
  try {
    const r = hv('start');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/container#0: no capsule agent in capsule-t-\S+ \(svcmgr not found\)\n  hint: install capsule in/);
    // What this start started is rolled back, and the service log says why.
    expect((await localExec(['lxc-info', '-P', vm.lxcpath, '-n', vm.name, '-s', '-H'])).stdout.trim()).toBe('STOPPED');
    const log = hv('logs').stdout;
    expect(log).toMatch(/ERROR web1: encapsulated start: container#0: no capsule agent in/);
    // fs#1 was up before this start (the first one started it): only the container is this start's.
    expect(log).toMatch(/INFO {2}web1: rollback: stopping container#0\n/);
    // A hanging agent: the status query times out with a named error and the rest is still reported.
    expect(hv('start', '--master').code).toBe(0);
    await writeFile(wrapper, '#!/bin/sh\nsleep 600\n', { mode: 0o755 });
    const hung = hv('print', 'status', '--refresh');
    expect(hung.stdout).toMatch(/warn: container#0: `svcmgr -s web1 json status --refresh` in \S+ did not answer within 5s/);
    expect(hung.stdout).toContain(`tmpfs@${root}/hvdata`);
  } finally {
    await writeFile(wrapper, saved, { mode: 0o755 });
  }
  expect(existsSync(wrapper)).toBe(true);
}, 120_000);
