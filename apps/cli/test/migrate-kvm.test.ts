// `svcmgr migrate --to` through the CLI between two libvirt hosts on this
// machine: hv1 is this host's libvirtd, hv2 a second libvirtd in a mount
// namespace of its own (TestLibvirtPeer), reached by hv1's svcmgr over ssh
// (an OpenSSH sshd whose sessions enter hv2's namespace). The guest runs a
// QEMU guest agent, so each node reaches it through its own libvirt, as a
// real hypervisor would. After the move the container is up on hv2 and
// down here, and hv1's libvirt no longer knows the domain.
import { startSshd, TestLibvirtPeer, TestNetwork, TestVms, type TestSshd, type TestVm } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliEntry } from './cli.js';

const vms = new TestVms();
const net = new TestNetwork();
let peer: TestLibvirtPeer;
let sshd: TestSshd;
let vm: TestVm;
let dir: string;
const root = (n: string) => join(dir, n);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capsule-mig-'));
  await vms.libvirt();
  peer = await TestLibvirtPeer.start();
  vm = await vms.define({ qga: true });
  await localExec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id')]);
  const pub = (await readFile(join(dir, 'id.pub'), 'utf8')).trim();
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'svcmgr'), `#!/bin/sh\nexec ${process.execPath} ${cliEntry('svcmgr')} "$@"\n`, { mode: 0o755 });
  const host = await net.host();
  const addr = (await net.linkToHere(host, 'eth0')).there;
  // Sessions run in hv2's mount namespace: its /run/libvirt is hv2's libvirtd.
  const enter = `command="exec nsenter -t ${peer.pid} -m -- sh -c \\"$SSH_ORIGINAL_COMMAND\\""`;
  sshd = await startSshd(host, addr, { authorizedKeys: [`${enter} ${pub}`], setEnv: { CAPSULE_ROOT: root('hv2'), CAPSULE_NODENAME: 'hv2', PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin` } });
  await writeFile(join(dir, 'known_hosts'), `${addr} ${sshd.hostPublicKey}\n`);
  const service = `[DEFAULT]\nnodes = hv1 hv2\n\n[container#0]\ntype = kvm\nname = ${vm.name}\nqga = true\nstart_timeout = 120\nstop_timeout = 30\n`;
  for (const n of ['hv1', 'hv2']) {
    await mkdir(join(root(n), 'etc/capsule'), { recursive: true });
    await writeFile(join(root(n), 'etc/capsule/vmsvc.conf'), service);
  }
  await writeFile(
    join(root('hv1'), 'etc/capsule/node.conf'),
    `[ssh]\nidentity_file = ${join(dir, 'id')}\nknown_hosts = ${join(dir, 'known_hosts')}\naddr@hv2 = ${addr}\n\n[driver.kvm]\nmigrate_uri = ${peer.uri}\nmigrate_data_uri = tcp://127.0.0.1\n`,
    { mode: 0o600 },
  );
}, 300_000);

afterAll(async () => {
  await sshd?.dispose();
  await net.dispose();
  await peer?.dispose();
  await vms.dispose();
  await rm(dir, { recursive: true, force: true });
}, 300_000);

const on = (n: string, ...args: string[]) => cli('svcmgr', ['-s', 'vmsvc', ...args], { CAPSULE_ROOT: root(n), CAPSULE_NODENAME: n });
const containerStatus = (json: string) => (JSON.parse(json) as { resources: Record<string, { status: string }> }).resources['container#0']?.status;

test('migrate --to hv2: the running guest moves live to hv2 libvirt, the container is up there and down here', async () => {
  expect(on('hv1', 'start')).toMatchObject({ code: 0 });
  expect(containerStatus(on('hv1', 'json', 'status', '--refresh').stdout)).toBe('up');
  const r = on('hv1', 'migrate', '--to', 'hv2');
  expect(r).toMatchObject({ code: 0 });
  expect(r.stderr).toContain(`virsh migrate --live --persistent --undefinesource ${vm.name} ${peer.uri}`);
  // hv2's libvirt runs it; hv1's has forgotten it (--undefinesource).
  expect((await peer.exec(['virsh', '-c', 'qemu:///system', 'domstate', vm.name])).stdout.trim()).toBe('running');
  expect((await localExec(['virsh', '-c', 'qemu:///system', 'domstate', vm.name])).code).not.toBe(0);
  expect(containerStatus(on('hv1', 'json', 'status', '--refresh').stdout)).toBe('down');
  const there = await peer.exec([process.execPath, cliEntry('svcmgr'), '-s', 'vmsvc', 'json', 'status', '--refresh'], { env: { CAPSULE_ROOT: root('hv2'), CAPSULE_NODENAME: 'hv2' } });
  expect(containerStatus(there.stdout)).toBe('up');
  // The guest answers through hv2's libvirt: its agent came along.
  expect((await peer.exec(['virsh', '-c', 'qemu:///system', 'qemu-agent-command', vm.name, '{"execute":"guest-ping"}'])).code).toBe(0);
}, 600_000);
