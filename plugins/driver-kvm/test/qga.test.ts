// `qga = true`: the guest reached through its QEMU guest agent, on real
// libvirt/QEMU guests running Debian's qemu-ga (software emulation, a
// busybox initramfs): start waits for guest-ping, commands go through
// guest-exec, and a domain without a working agent fails start by name.
import { isContainerResource, systemClock, type ContainerContext, type ContainerResource } from '@capsule/core';
import { TestVms, type TestVm } from '@capsule/testenv';
import { guestExec, localExec } from '@capsule/transport';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import driver from '../src/index.js';

const vms = new TestVms();
/** A VM test takes about a minute on a quiet host (software emulation); libvirtd shared with other test runs can double that. */
const VM_TEST_MS = 300_000;
let dir: string;
const log = { info: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capsule-kvmq-'));
});
// Room for a busy libvirtd: a dispose cut short by the hook timeout would leave domains behind.
afterAll(async () => {
  await vms.dispose();
  await rm(dir, { recursive: true, force: true });
}, 180_000);

function container(vm: Pick<TestVm, 'name' | 'uri'>, start_timeout: number): ContainerResource {
  const r = driver.create({
    rid: 'container#0',
    svcname: 's',
    nodename: 'hv1',
    config: { name: vm.name, uri: vm.uri, qga: true, ssh_port: 22, ssh_user: 'root', start_timeout, stop_timeout: 20 },
    env: {},
    root: dir,
    service: { nodes: ['hv1'], drpnodes: [], encapnodes: [vm.name] },
    settings: { values: {}, secret: () => Promise.reject(new Error('none')) },
  });
  if (!isContainerResource(r)) throw new Error('the kvm driver must create a container resource');
  return r;
}

function contextOf(c: ContainerResource): ContainerContext {
  return { exec: localExec, dryRun: false, force: false, log, clock: systemClock, signal: new AbortController().signal, guest: guestExec(c.guestChannel(), localExec) };
}

test('start returns once the agent answers guest-ping; commands run in the guest through it', async () => {
  const vm = await vms.define({ qga: true });
  const c = container(vm, 150);
  const ctx = contextOf(c);
  expect(c.guestChannel()).toEqual({ kind: 'qga', uri: vm.uri, domain: vm.name });
  // Not started yet: no guest to run anything in.
  await expect(ctx.guest(['true'])).rejects.toMatchObject({ code: 'GuestDown', hint: expect.stringContaining(`start ${vm.name}`) });
  await c.start(ctx);
  expect(await vms.console(vm)).toContain('capsule-guest: qemu-ga on /dev/vport');
  // The guest's own hostname: the command ran in the guest, not on this host.
  expect(await ctx.guest(['hostname'])).toEqual({ code: 0, stdout: `${vm.name}\n`, stderr: '' });

  expect(await ctx.guest(['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
  expect(await ctx.guest(['cat'], { input: 'line 1\nline 2 é\n' })).toEqual({ code: 0, stdout: 'line 1\nline 2 é\n', stderr: '' });
  expect(await ctx.guest(['wc', '-c'], { input: 'x'.repeat(64 * 1024) })).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\s*65536\s*$/) });
  expect(await ctx.guest(['sh', '-c', 'echo "$FOO" "$PATH"'], { env: { FOO: 'a b' } })).toMatchObject({ stdout: 'a b /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n' });
  expect(await ctx.guest(['pwd'], { cwd: '/proc' })).toEqual({ code: 0, stdout: '/proc\n', stderr: '' });
  expect(await ctx.guest(['sh', '-c', 'kill -9 $$'])).toEqual({ code: 137, stdout: '', stderr: '' });

  await expect(ctx.guest(['capsule-no-such-command', '-x'])).rejects.toMatchObject({
    code: 'CommandNotFound',
    message: expect.stringMatching(new RegExp(`^capsule-no-such-command not found in ${vm.name}: .*No such file or directory`)),
  });
  await expect(ctx.guest(['head', '-c', '5000', '/dev/zero'], { maxOutputBytes: 1000 })).rejects.toMatchObject({ code: 'OutputTooLarge' });

  const t2 = Date.now();
  await expect(ctx.guest(['sleep', '37'], { timeoutMs: 1500 })).rejects.toMatchObject({ code: 'ExecTimeout', message: `sleep 37 in ${vm.name} did not finish within 1500 ms and was killed` });
  expect(Date.now() - t2).toBeLessThan(1500 + 2500);
  const ps = await ctx.guest(['ps']);
  expect(ps.stdout).toContain('ps');
  expect(ps.stdout).not.toContain('sleep 37');
}, VM_TEST_MS);

test('a qga domain with no agent channel: start fails at once, naming the channel; commands are GuestUnreachable', async () => {
  const vm = await vms.define();
  const c = container(vm, 60);
  const ctx = contextOf(c);
  const t0 = Date.now();
  await expect(c.start(ctx)).rejects.toMatchObject({
    code: 'ContainerNotOperational',
    message: expect.stringContaining('runs but its domain has no QEMU guest agent channel: argument unsupported: QEMU guest agent is not configured'),
    hint: expect.stringContaining("name='org.qemu.guest_agent.0'"),
  });
  // Waiting would not add the channel: well before the 60 s of start_timeout.
  expect(Date.now() - t0).toBeLessThan(30_000);
  expect((await c.status(ctx)).status).toBe('up');
  // A guest defined without qga boots the base image: init runs to the end, and no agent.
  for (let i = 0; i < 150 && !(await vms.console(vm)).includes('capsule-guest: up'); i++) await new Promise((r) => setTimeout(r, 200));
  expect(await vms.console(vm)).toContain('capsule-guest: up');
  expect(await vms.console(vm)).not.toContain('qemu-ga');
  await expect(ctx.guest(['true'])).rejects.toMatchObject({
    code: 'GuestUnreachable',
    message: `the QEMU guest agent of ${vm.name} does not answer: argument unsupported: QEMU guest agent is not configured`,
    hint: expect.stringContaining('is qemu-guest-agent running in the guest, and the org.qemu.guest_agent.0 channel in the domain XML'),
  });
}, VM_TEST_MS);

test('a qga domain whose agent never runs: start fails at start_timeout', async () => {
  const vm = await vms.define({ qga: 'channel-only' });
  const c = container(vm, 8);
  const ctx = contextOf(c);
  const t0 = Date.now();
  await expect(c.start(ctx)).rejects.toMatchObject({
    code: 'ContainerNotOperational',
    message: expect.stringMatching(/runs but its QEMU guest agent does not answer after 8s: Guest agent is not responding: QEMU guest agent is not connected$/),
    hint: expect.stringContaining('is qemu-guest-agent running in the guest'),
  });
  expect(Date.now() - t0).toBeGreaterThanOrEqual(8000);
  expect(Date.now() - t0).toBeLessThan(8000 + 20_000);
  await expect(ctx.guest(['true'])).rejects.toMatchObject({ code: 'GuestUnreachable', message: expect.stringContaining('QEMU guest agent is not connected') });
}, VM_TEST_MS);
