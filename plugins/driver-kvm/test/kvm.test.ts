// The KVM driver against real libvirt/QEMU guests (software emulation,
// a busybox initramfs): lifecycle, forced stop, the error cases.
import { isContainerResource, systemClock, type ContainerContext, type ContainerResource, type Exec } from '@capsule/core';
import { TestLibvirtPeer, TestVms, type TestVm } from '@capsule/testenv';
import { guestExec, localExec, SshSessions } from '@capsule/transport';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import driver from '../src/index.js';

const vms = new TestVms();
let dir: string;
let ssh: SshSessions;
const logs: string[] = [];
const log = { info: (m: string) => logs.push(`info: ${m}`), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capsule-kvmt-'));
  await writeFile(join(dir, 'known_hosts'), '');
  await localExec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id')]);
  ssh = new SshSessions({ identityFile: join(dir, 'id'), knownHosts: join(dir, 'known_hosts'), connectTimeoutMs: 1000 });
}, 180_000);
afterAll(async () => {
  await ssh?.close();
  await vms.dispose();
  await rm(dir, { recursive: true, force: true });
}, 180_000);

function container(vm: Pick<TestVm, 'name' | 'uri'>, extra: Record<string, unknown> = {}, settings: Record<string, string> = {}): ContainerResource {
  const r = driver.create({
    rid: 'container#0',
    svcname: 's',
    nodename: 'hv1',
    // No guest network in these tests: the guest's ssh address is a TEST-NET-3 address nobody answers.
    config: { name: vm.name, hostname: '203.0.113.254', uri: vm.uri, ssh_port: 22, ssh_user: 'root', start_timeout: 3, stop_timeout: 20, ...extra },
    env: {},
    root: dir,
    service: { nodes: ['hv1'], drpnodes: [], encapnodes: [vm.name] },
    settings: { values: settings, secret: () => Promise.reject(new Error('none')) },
  });
  if (!isContainerResource(r)) throw new Error('the kvm driver must create a container resource');
  return r;
}

function contextOf(c: ContainerResource, exec: Exec = localExec): ContainerContext {
  return { exec, dryRun: false, force: false, log, clock: systemClock, signal: new AbortController().signal, guest: guestExec(c.guestChannel(), exec, ssh) };
}

test('start, status, a guest that never answers over ssh, a clean stop', async () => {
  const vm = await vms.define();
  const c = container(vm);
  const ctx = contextOf(c);
  expect([c.label(), c.guestName, c.guestChannel()]).toEqual([vm.name, '203.0.113.254', { kind: 'ssh', host: '203.0.113.254', port: 22, user: 'root' }]);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [] });
  const t0 = Date.now();
  await expect(c.start(ctx)).rejects.toMatchObject({ code: 'ContainerNotOperational', message: expect.stringMatching(/runs but does not answer after 3s: .*unreachable/) });
  // Bounded by start_timeout plus virsh's own time, which a loaded host stretches: not minutes.
  expect(Date.now() - t0).toBeLessThan(60_000);
  expect(await c.status(ctx)).toEqual({ status: 'up', log: [] });
  // The definition was saved for the peers.
  expect(c.replicatedFiles!()).toEqual([join(dir, 'var/lib/capsule/s/kvm', `${vm.name}.xml`)]);
  expect(await readFile(c.replicatedFiles!()[0]!, 'utf8')).toContain(`<name>${vm.name}</name>`);
  // Let the guest's init arm its power button watcher.
  for (let i = 0; i < 100 && !(await vms.console(vm)).includes('capsule-guest: up'); i++) await new Promise((r) => setTimeout(r, 200));
  logs.length = 0;
  await c.stop(ctx);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [] });
  expect(await vms.console(vm)).toContain('capsule-guest: power button');
  expect(logs.filter((l) => l.startsWith('warn'))).toEqual([]);
  await c.stop(ctx);
}, 180_000);

test('a guest that ignores shutdown is destroyed after stop_timeout, with a warning', async () => {
  const vm = await vms.define({ shutdown: 'ignore' });
  const c = container(vm, { stop_timeout: 2 });
  const ctx = contextOf(c);
  await localExec(['virsh', '-c', vm.uri, 'start', vm.name]);
  expect((await c.status(ctx)).status).toBe('up');
  logs.length = 0;
  const t0 = Date.now();
  await c.stop(ctx);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [] });
  expect(logs).toContainEqual(expect.stringMatching(/^warn: .* did not shut down within 2s: forcing it off$/));
}, 180_000);

test('a missing domain: status down with the reason, start a named error', async () => {
  const c = container({ name: 'capsule-no-such-domain', uri: 'qemu:///system' });
  const ctx = contextOf(c);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: ['warn: no domain capsule-no-such-domain on qemu:///system'] });
  await expect(c.start(ctx)).rejects.toMatchObject({ code: 'ContainerNotFound', hint: expect.stringContaining('virsh -c qemu:///system define') });
  await c.stop(ctx);
});

test('libvirt not answering is HypervisorUnavailable naming the URI', async () => {
  // A libvirtd that is not running, as virsh sees it: nothing listens on the socket.
  const uri = `qemu:///system?socket=${join(dir, 'no-libvirtd.sock')}`;
  const c = container({ name: 'x', uri });
  await expect(c.status(contextOf(c))).rejects.toMatchObject({ code: 'HypervisorUnavailable', message: expect.stringContaining(uri), hint: expect.stringContaining('libvirtd') });
  await expect(c.start(contextOf(c))).rejects.toMatchObject({ code: 'HypervisorUnavailable' });
});

test('no virsh on the node is CommandNotFound', async () => {
  const c = container({ name: 'x', uri: 'qemu:///system' });
  const noVirsh: Exec = (argv, o) => localExec(argv, { ...o, env: { PATH: '/nonexistent' } });
  await expect(c.status(contextOf(c, noVirsh))).rejects.toMatchObject({ code: 'CommandNotFound', hint: expect.stringContaining('libvirt-clients') });
});

test('migration: the precheck refuses a destination where the guest runs; a failed migration is named', async () => {
  const vm = await vms.define();
  const c = container(vm);
  const ctx = contextOf(c);
  await expect(c.precheckMigration!(ctx, { node: 'hv2', exec: localExec })).rejects.toMatchObject({ code: 'MigrationUnsupported' });
  await localExec(['virsh', '-c', vm.uri, 'start', vm.name]);
  // The destination here is this same libvirt, where the guest runs.
  await expect(c.precheckMigration!(ctx, { node: 'hv2', exec: localExec })).rejects.toMatchObject({ code: 'GuestRunningElsewhere' });
  // A destination that cannot be reached: virsh migrate really runs and fails, and the guest stays here.
  await expect(c.migrate!(ctx, { node: 'capsule-unresolvable.invalid', exec: localExec })).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('virsh migrate to capsule-unresolvable.invalid') });
  expect((await c.status(ctx)).status).toBe('up');
  await localExec(['virsh', '-c', vm.uri, 'destroy', vm.name]);
}, 180_000);

test('a guest whose ssh key the node cannot use fails at once, not after start_timeout', async () => {
  const vm = await vms.define();
  const c = container(vm, { start_timeout: 600 });
  const broken = new SshSessions({ identityFile: join(dir, 'missing-key'), knownHosts: join(dir, 'known_hosts') });
  const ctx = { ...contextOf(c), guest: guestExec(c.guestChannel(), localExec, broken) };
  const t0 = Date.now();
  await expect(c.start(ctx)).rejects.toMatchObject({ code: 'SshKeyInvalid' });
  // Far less than start_timeout (600 s), even with a slow virsh start.
  expect(Date.now() - t0).toBeLessThan(120_000);
  await localExec(['virsh', '-c', vm.uri, 'destroy', vm.name]);
}, 180_000);

test('live migration to a second libvirt host: the guest runs there and no longer here', async () => {
  const peer = await TestLibvirtPeer.start();
  try {
    const vm = await vms.define();
    // How this host's libvirtd reaches the peer's, and where the memory stream goes (node.conf [driver.kvm]).
    const c = container(vm, {}, { migrate_uri: peer.uri, migrate_data_uri: 'tcp://127.0.0.1' });
    const ctx = contextOf(c);
    await localExec(['virsh', '-c', vm.uri, 'start', vm.name]);
    for (let i = 0; i < 100 && !(await vms.console(vm)).includes('capsule-guest: up'); i++) await new Promise((r) => setTimeout(r, 200));
    const to = { node: 'hv2', exec: peer.exec };
    await c.precheckMigration!(ctx, to);
    logs.length = 0;
    await c.migrate!(ctx, to);
    expect(logs).toContainEqual(`info: virsh migrate --live --persistent --undefinesource ${vm.name} ${peer.uri} --migrateuri tcp://127.0.0.1`);
    // Here the domain is gone (--undefinesource); on the peer it runs, defined there (--persistent).
    expect(await c.status(ctx)).toEqual({ status: 'down', log: [`warn: no domain ${vm.name} on qemu:///system`] });
    expect(await c.status({ ...ctx, exec: peer.exec })).toEqual({ status: 'up', log: [] });
    expect((await peer.exec(['virsh', '-c', 'qemu:///system', 'dominfo', vm.name])).stdout).toMatch(/Persistent:\s+yes/);
    await expect(c.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'MigrationUnsupported' });
  } finally {
    await peer.dispose();
  }
}, 300_000);
