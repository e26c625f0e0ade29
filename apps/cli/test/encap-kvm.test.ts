// Service encapsulation into a real QEMU guest on libvirt: the guest runs
// an sshd and this capsule build (read-only disks), the hypervisor reaches
// it over the ssh2 transport with the node's key and known_hosts.
import { REPO_ROOT, TestVms, type TestVm } from '@capsule/testenv';
import { localExec, SshSessions } from '@capsule/transport';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cli.js';

const vms = new TestVms();
let vm: TestVm;
let root: string;
let ssh: SshSessions;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-hvk-'));
  const sshDir = join(root, 'etc/capsule/ssh');
  await mkdir(sshDir, { recursive: true });
  await localExec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(sshDir, 'id_ed25519')]);
  vm = await vms.define({ hostname: 'vm1', agent: { authorizedKey: (await readFile(join(sshDir, 'id_ed25519.pub'), 'utf8')).trim() } });
  await writeFile(join(sshDir, 'known_hosts'), `${vm.knownHostsLine}\n`);
  ssh = new SshSessions({ identityFile: join(sshDir, 'id_ed25519'), knownHosts: join(sshDir, 'known_hosts') });
  await writeFile(
    join(root, 'etc/capsule/web1.conf'),
    `[DEFAULT]
nodes = hv1
encapnodes = vm1
nodes@encapnodes = vm1

[container#0]
type = kvm
name = ${vm.name}
hostname = vm1
address = ${vm.address}
start_timeout = 120
stop_timeout = 30

[app#1]
script = ${REPO_ROOT}/apps/cli/test/fixtures/shop
tags = encap
`,
  );
}, 300_000);
afterAll(async () => {
  await ssh?.close();
  await vms.dispose();
  await rm(root, { recursive: true, force: true });
}, 180_000);

const hv = (...args: string[]) => cli('svcmgr', ['-s', 'web1', ...args], { CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1', CAPSULE_GUEST_STATUS_TIMEOUT: '60' });
const inGuest = (...argv: string[]) => ssh.exec({ host: vm.address!, user: 'root' })(argv, { timeoutMs: 60_000 });

test('start boots the VM and chains into its agent over ssh; status folds the guest; a guest edit is kept; stop goes guest first', async () => {
  const start = hv('start');
  expect(start.stderr).toContain(`container#0: virsh start ${vm.name}`);
  expect(start.code).toBe(0);
  expect((await inGuest('test', '-e', '/tmp/shop.up')).code).toBe(0);
  // The guest got the service file from the hypervisor, and reads it as vm1.
  expect((await inGuest('svcmgr', '-s', 'web1', 'get', '--param', 'nodes', '--eval')).stdout).toBe('vm1\n');

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

  // An edit made in the guest is pulled back before the next action, never rolled back.
  expect(await inGuest('svcmgr', '-s', 'web1', 'set', '--param', 'app#1.comment', '--value', 'edited in vm1')).toMatchObject({ code: 0 });
  expect(hv('startapp', '--slaves').code).toBe(0);
  expect(await readFile(join(root, 'etc/capsule/web1.conf'), 'utf8')).toContain('comment = edited in vm1');

  // A guest the hypervisor cannot reach: the action fails with one named error, the status says why.
  await localExec(['ip', 'link', 'set', vm.bridge!, 'down']);
  try {
    const cut = hv('startapp', '--slaves', '--format', 'json');
    expect(cut.code).toBe(1);
    expect(JSON.parse(cut.stderr.trim().split('\n').pop()!).error).toMatchObject({ code: 'GuestUnreachable', message: expect.stringContaining('vm1 is unreachable') });
    expect(hv('print', 'status', '--refresh').stdout).toMatch(/container#0 .*up .*\n.*warn: .*vm1 is unreachable/);
  } finally {
    await localExec(['ip', 'link', 'set', vm.bridge!, 'up']);
  }

  const stop = hv('stop');
  expect(stop.code).toBe(0);
  const log = hv('logs').stdout;
  expect(log.indexOf('vm1: svcmgr -s web1 stop')).toBeGreaterThan(-1);
  expect(log.indexOf('vm1: svcmgr -s web1 stop')).toBeLessThan(log.lastIndexOf(`virsh shutdown ${vm.name}`));
  expect((await localExec(['virsh', '-c', vm.uri, 'domstate', vm.name])).stdout.trim()).toBe('shut off');
  expect(hv('status').code).toBe(1);
}, 600_000);
