// A real service on this machine: an address on a veth in a test host's
// network namespace, a tmpfs, an app script; driven through svcmgr.
import { ServiceStatus } from '@capsule/service/status-schema';
import { TestNetwork, type TestHost } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliEntry } from './cli.js';

const net = new TestNetwork();
let hv: TestHost;
let peer: TestHost;
let root: string;
let wrap: string[];

beforeAll(async () => {
  hv = await net.host();
  peer = await net.host();
  await net.link(hv, 'eth0', '198.51.100.1/24', peer, 'eth0', '198.51.100.2/24');
  // nsenter joins only the network namespace: mounts made by svcmgr stay visible to the next command.
  wrap = ['nsenter', `--net=/run/netns/${hv.ns}`];
});
afterAll(() => net.dispose());

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-svc-'));
  await mkdir(join(root, 'etc/capsule/web1.d'), { recursive: true });
  // The launcher journals each start; START_SLEEP and START_FAIL shape a start.
  await writeFile(
    join(root, 'etc/capsule/web1.d/shop'),
    `#!/bin/sh
case "$1" in
start) echo start >> ${root}/journal; sleep \${START_SLEEP:-0}; [ -e ${root}/fail ] && { echo "cannot bind port 80" >&2; exit 2; }; touch ${root}/up ;;
stop) echo stop >> ${root}/journal; rm -f ${root}/up ;;
status) [ -e ${root}/up ] ;;
esac
`,
    { mode: 0o755 },
  );
  await writeFile(
    join(root, 'etc/capsule/web1.conf'),
    `[DEFAULT]
nodes = hv1

[ip#1]
ipname = 198.51.100.10
ipdev = eth0
netmask = 24

[fs#1]
dev = tmpfs
mnt = ${root}/mnt
type = tmpfs

[app#1]
script = shop

[sync#i0]
`,
  );
});
afterEach(async () => {
  await localExec(['umount', '-l', join(root, 'mnt')]);
  await hv.exec(['ip', 'addr', 'flush', 'dev', 'eth0', 'to', '198.51.100.10']);
  await rm(root, { recursive: true, force: true });
});

const svcmgr = (...args: string[]) => cli('svcmgr', ['-s', 'web1', ...args], { CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1' }, wrap);
const ipUp = async () => (await hv.exec(['ip', '-o', 'addr', 'show', 'dev', 'eth0'])).stdout.includes('198.51.100.10/24');
const fsUp = async () => (await localExec(['findmnt', join(root, 'mnt')])).code === 0;
const journal = async () => (await readFile(join(root, 'journal'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);

test('start brings ip, fs and app up in order; status tree, json status and exit codes follow; stop brings all down', async () => {
  const start = svcmgr('start');
  expect(start.code).toBe(0);
  expect(start.stderr).toMatch(/ip#1: start 198\.51\.100\.10@eth0\n(.*\n)*fs#1: start tmpfs@.*\n(.*\n)*app#1: start shop/);
  expect([await ipUp(), await fsUp(), existsSync(join(root, 'up'))]).toEqual([true, true, true]);
  // The admin's start set the target (kept for the daemons): no daemon runs here, so the tree does not say it.
  expect(svcmgr('print', 'status').stdout).toBe(
    [
      'web1                      up',
      'overall                   up',
      '|- avail                  up',
      '|  |- ip#1           .... up       198.51.100.10@eth0',
      `|  |- fs#1           .... up       tmpfs@${root}/mnt`,
      "|  '- app#1          .... up       shop",
      '|- sync                   n/a',
      "|  '- sync#i0        .... n/a      rsync svc config to drpnodes, nodes",
      "'- hb                     n/a",
      '',
    ].join('\n'),
  );
  expect(svcmgr('status').code).toBe(0);
  const json = ServiceStatus.parse(JSON.parse(svcmgr('json', 'status').stdout));
  expect([json.overall, json.level, json.resources['ip#1']?.status]).toEqual(['up', 'hypervisor', 'up']);

  expect(svcmgr('stop').code).toBe(0);
  expect([await ipUp(), await fsUp()]).toEqual([false, false]);
  expect(svcmgr('status').code).toBe(1);
  expect(svcmgr('logs').stdout).toMatch(/INFO  app#1: stop shop\n.*INFO  fs#1: stop tmpfs@.*\n.*INFO  ip#1: stop 198\.51\.100\.10@eth0\n$/);
});

test('a failing app start rolls back fs and ip', async () => {
  await writeFile(join(root, 'fail'), '');
  const r = svcmgr('start');
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/error: web1: start failed on app#1: app#1: shop start exited 2: cannot bind port 80/);
  expect(r.stderr).toMatch(/rollback: stopping ip#1, fs#1/);
  expect([await ipUp(), await fsUp()]).toEqual([false, false]);
});

test('an address already in use on the network is refused', async () => {
  await peer.exec(['ip', 'addr', 'add', '198.51.100.10/24', 'dev', 'eth0']);
  try {
    const r = svcmgr('start');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/start failed on ip#1: ip#1: 198\.51\.100\.10 is in use: another host answers ARP for it on eth0/);
    expect(await ipUp()).toBe(false);
  } finally {
    await peer.exec(['ip', 'addr', 'del', '198.51.100.10/24', 'dev', 'eth0']);
  }
});

test('a busy filesystem is not unmounted: stop fails and says by whom', async () => {
  expect(svcmgr('start').code).toBe(0);
  const holder = spawn('sleep', ['60'], { cwd: join(root, 'mnt') });
  try {
    await new Promise((r) => holder.on('spawn', r));
    const r = svcmgr('stop');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`fs#1: .*/mnt is busy, used by ${holder.pid} \\(sleep\\); not unmounted`));
    expect(await fsUp()).toBe(true);
    // The address under the busy fs stays: stop halts at the first failure.
    expect(await ipUp()).toBe(true);
  } finally {
    holder.kill('SIGKILL');
  }
});

test('10 concurrent starts: one effective start, no corruption', async () => {
  const runs = await Promise.all(
    Array.from(
      { length: 10 },
      () =>
        new Promise<number | null>((resolve) => {
          const p = spawn(wrap[0]!, [...wrap.slice(1), process.execPath, cliEntry('svcmgr'), '-s', 'web1', 'start'], {
            env: { PATH: process.env['PATH'] ?? '', CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1' },
            stdio: 'ignore',
          });
          p.on('exit', resolve);
        }),
    ),
  );
  expect(runs).toEqual(Array(10).fill(0));
  expect(await journal()).toEqual(['start']);
  expect(ServiceStatus.parse(JSON.parse(await readFile(join(root, 'var/lib/capsule/web1/status.json'), 'utf8'))).overall).toBe('up');
});

test('kill -9 in the middle of a start, then start again: converges', async () => {
  const p = spawn(wrap[0]!, [...wrap.slice(1), process.execPath, cliEntry('svcmgr'), '-s', 'web1', 'start'], {
    env: { PATH: process.env['PATH'] ?? '', CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1', START_SLEEP: '30' },
    stdio: 'ignore',
    detached: true,
  });
  while (!(await journal()).includes('start')) await new Promise((r) => setTimeout(r, 50));
  process.kill(-p.pid!, 'SIGKILL');
  await new Promise((r) => p.on('exit', r));
  expect(existsSync(join(root, 'var/lib/capsule/web1/lock'))).toBe(true);
  const r = svcmgr('start', '--waitlock', '5');
  expect(r.code).toBe(0);
  expect([await ipUp(), await fsUp(), existsSync(join(root, 'up'))]).toEqual([true, true, true]);
  expect(svcmgr('status').code).toBe(0);
});
