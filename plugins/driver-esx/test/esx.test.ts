// The esx driver against the vSphere simulator, beyond the conformance
// suite: TLS and credentials as the node gives them, sessions that expire,
// vCenter's refusals, a VM on another host, the guest only up while on.
import { driverSettings } from '@capsule/config';
import { isContainerResource, type ContainerResource, type DriverSettings } from '@capsule/core';
import { testContainerContext, testInit, uniqueName } from '@capsule/testenv';
import { roundTrip } from '@capsule/sim-https';
import { guestExec, localExec } from '@capsule/transport';
import { chmod, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import driver from '../src/index.js';
import type { EsxConfig } from '../src/container.js';
import { EsxWorld } from './fixture.js';

const w = new EsxWorld();
beforeAll(() => w.setup(), 30_000);
afterAll(() => w.teardown(), 30_000);

const logs: string[] = [];
const log = { info: (m: string) => logs.push(`info: ${m}`), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };

/** The resource as the engine makes it for node hv1, with node.conf read by the real config package. */
function esx(config: Partial<EsxConfig> & { name: string }, settings: Record<string, string> = w.settings()): ContainerResource {
  const s: DriverSettings = driverSettings({ 'driver.esx': settings }, 'esx', w.dir);
  const r = driver.create(testInit('container#1', { ssh_port: 22, ssh_user: 'root', start_timeout: 10, stop_timeout: 5, ...config }, { root: w.dir, settings: s }));
  if (!isContainerResource(r)) throw new Error('not a container');
  return r;
}

async function vmWithGuest(host = 'esx1') {
  const name = uniqueName('vm-', 20);
  const g = await w.guests.create(name);
  w.sim.addVm({ name, address: g.address, host });
  const c = esx({ name, address: g.address });
  const ctx = { ...testContainerContext(c, localExec, log), guest: guestExec(c.guestChannel(), localExec, g.ssh) };
  return { name, g, c, ctx };
}

test('a CA that did not sign vCenter’s certificate is refused with EndpointTlsFailed', async () => {
  const c = esx({ name: 'x' }, w.settings({ ca_file: w.pki.otherCaFile }));
  await expect(c.status(testContainerContext(c))).rejects.toMatchObject({ code: 'EndpointTlsFailed', hint: expect.stringContaining('ca_file') });
  // The system CAs do not know the test CA either: no ca_file is no trust.
  const d = esx({ name: 'x' }, w.settings({ ca_file: '' }));
  await expect(d.status(testContainerContext(d))).rejects.toMatchObject({ code: 'EndpointTlsFailed' });
});

test('a credentials file others can read is refused before any login; a wrong password is EndpointAuthFailed', async () => {
  const open = join(w.dir, 'world-readable.cred');
  await writeFile(open, `username=capsule@vsphere.local\npassword=pa:ss word\n`);
  await chmod(open, 0o644);
  await rm(join(w.dir, 'var/lib/capsule/driver.esx'), { recursive: true, force: true });
  const before = w.sim.requests.filter((r) => r === 'POST /api/session').length;
  const c = esx({ name: 'x' }, w.settings({ credentials_file: open }));
  await expect(c.status(testContainerContext(c))).rejects.toMatchObject({ code: 'SecretFileUnsafe' });
  expect(w.sim.requests.filter((r) => r === 'POST /api/session').length).toBe(before);
  const wrong = join(w.dir, 'wrong.cred');
  await writeFile(wrong, 'username=capsule@vsphere.local\npassword=nope\n', { mode: 0o600 });
  const d = esx({ name: 'x' }, w.settings({ credentials_file: wrong }));
  await expect(d.status(testContainerContext(d))).rejects.toMatchObject({ code: 'EndpointAuthFailed', message: expect.stringContaining('capsule@vsphere.local') });
  const e = esx({ name: 'x' }, { ...w.settings(), url: '' });
  await expect(e.status(testContainerContext(e))).rejects.toMatchObject({ code: 'MissingKeyword' });
});

test('one session kept across commands (mode 0600) until vCenter ends it, then one new login; the status log carries vCenter’s power state', async () => {
  const name = uniqueName('vm-', 20);
  w.sim.addVm({ name });
  const logins = () => w.sim.requests.filter((r) => r === 'POST /api/session').length;
  const kept = join(w.dir, 'var/lib/capsule/driver.esx');
  await rm(kept, { recursive: true, force: true });
  const n = logins();
  // Each command makes its resources anew: the second one uses the session the first one kept.
  for (let i = 0; i < 3; i++) {
    const c = esx({ name });
    expect(await c.status(testContainerContext(c))).toEqual({ status: 'down', log: ['info: POWERED_OFF'] });
  }
  expect(logins()).toBe(n + 1);
  const [file] = await readdir(kept);
  expect((await stat(join(kept, file!))).mode & 0o777).toBe(0o600);
  // Every session expires, as after vCenter's idle timeout: the next call logs in again and succeeds.
  w.sim.state.update((s) => void (s.sessions = {}));
  const c = esx({ name });
  expect(await c.status(testContainerContext(c))).toEqual({ status: 'down', log: ['info: POWERED_OFF'] });
  expect(logins()).toBe(n + 2);
  // The new session is kept in turn: one session on vCenter, never one per command.
  expect(Object.keys(w.sim.state.read().sessions)).toHaveLength(1);
});

test('the guest answers over ssh only while its VM is powered on', async () => {
  const { c, ctx } = await vmWithGuest();
  await expect(ctx.guest(['true'])).rejects.toMatchObject({ code: expect.stringMatching(/Unreachable/) });
  await c.start(ctx);
  expect(await c.status(ctx)).toEqual({ status: 'up', log: ['info: POWERED_ON'] });
  expect((await ctx.guest(['sh', '-c', 'ip -o -4 addr show dev eth0'])).stdout).toContain('203.0.113.');
  await c.stop(ctx);
  await expect(ctx.guest(['true'])).rejects.toMatchObject({ code: expect.stringMatching(/Unreachable|Disconnected/) });
}, 30_000);

test('without an address keyword: the address VMware Tools reports while the VM runs, kept for the next command', async () => {
  const name = uniqueName('vm-', 20);
  const g = await w.guests.create(name);
  w.sim.addVm({ name, address: g.address });
  // A guest that never ran has reported nothing: its host name is all there is, and here it does not resolve.
  const first = esx({ name, start_timeout: 2 });
  expect(first.guestChannel()).toMatchObject({ host: name });
  await expect(first.start({ ...testContainerContext(first), guest: guestExec(first.guestChannel(), localExec, g.ssh) })).rejects.toMatchObject({ code: 'ContainerNotOperational' });
  // The next command (a new resource) reaches the guest where Tools said it is.
  expect(await roundTrip(esx({ name }), g)).toEqual({ host: g.address, code: 0 });
}, 30_000);

test('no VMware Tools in the guest: the refusal is warned and the VM powered off at once', async () => {
  const { name, c, ctx } = await vmWithGuest();
  await c.start(ctx);
  w.sim.state.setFault(`${name}.no-tools`);
  logs.length = 0;
  await c.stop(ctx);
  expect(w.sim.vm(name)?.power_state).toBe('POWERED_OFF');
  expect(logs).toContainEqual(expect.stringMatching(/^warn: guest shutdown of .* refused \(.*answered 503: SERVICE_UNAVAILABLE\): powering it off$/));
  // Powered off at once: waiting for a shutdown nobody was asked to do would not help.
  expect(logs.filter((l) => l.includes('did not shut down'))).toEqual([]);
}, 30_000);

test('permission denied on power on is ContainerActionFailed with vCenter’s words and the privilege to give', async () => {
  const name = uniqueName('vm-', 20);
  w.sim.addVm({ name });
  w.sim.state.setFault(`${name}.denied`);
  const c = esx({ name });
  await expect(c.start(testContainerContext(c))).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('403: UNAUTHORIZED'), hint: expect.stringContaining('PowerOn') });
  expect(w.sim.vm(name)?.power_state).toBe('POWERED_OFF');
});

test('a VM running on another ESX host is down here, and the start guard names it', async () => {
  const name = uniqueName('vm-', 20);
  const vm = w.sim.addVm({ name, host: 'esx2' });
  w.sim.state.update((s) => void (s.vms.find((v) => v.vm === vm.vm)!.power_state = 'POWERED_ON'));
  const c = esx({ name });
  const ctx = testContainerContext(c);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: ['info: POWERED_ON', `warn: ${name} runs on another host than esx1`] });
  expect(await c.runningElsewhere!(ctx)).toBe('another host than esx1');
  // Without a host for this node, any host is here.
  const any = esx({ name }, Object.fromEntries(Object.entries(w.settings()).filter(([k]) => k !== 'host')));
  expect((await any.status(ctx)).status).toBe('up');
  // Two VMs of one name (in two folders): which one is meant cannot be told.
  w.sim.addVm({ name, host: 'esx1' });
  await expect(c.status(ctx)).rejects.toMatchObject({ code: 'EndpointError', message: expect.stringContaining(`2 VMs are named ${name}`) });
});

test('migration: precheck refuses a VM that is off or a host vCenter does not know; a refused vMotion leaves the VM here', async () => {
  const { name, c, ctx } = await vmWithGuest();
  const to = { node: 'hv2', exec: localExec };
  await expect(c.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'MigrationUnsupported' });
  await c.start(ctx);
  const lost = esx({ name }, w.settings({ migrate_host: 'esx-%n' }));
  await expect(lost.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'MigrationUnsupported', message: expect.stringContaining('no host named esx-hv2') });
  await c.precheckMigration!(ctx, to);
  w.sim.state.setFault(`${name}.relocate-fails`);
  await expect(c.migrate!(ctx, to)).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('500: RESOURCE_INACCESSIBLE') });
  expect([w.sim.hostOf(name), (await c.status(ctx)).status]).toEqual(['esx1', 'up']);
  w.sim.state.clearFault(`${name}.relocate-fails`);
  await c.migrate!(ctx, to);
  expect(w.sim.hostOf(name)).toBe('esx2');
  // The guest kept running through the vMotion.
  expect((await ctx.guest(['true'])).code).toBe(0);
}, 30_000);

test('dry run: start and stop say what they would do and change nothing', async () => {
  const { name, c, ctx } = await vmWithGuest();
  logs.length = 0;
  await c.start({ ...ctx, dryRun: true });
  expect(w.sim.vm(name)?.power_state).toBe('POWERED_OFF');
  await c.start(ctx);
  await c.stop({ ...ctx, dryRun: true });
  expect(w.sim.vm(name)?.power_state).toBe('POWERED_ON');
  expect(logs.filter((l) => l.startsWith('info: '))).toEqual([expect.stringMatching(/^info: power on vm-/), expect.stringMatching(/^info: power on vm-/), expect.stringMatching(/^info: guest shutdown of vm-.* \(5s before power off\)$/)]);
  await c.stop(ctx);
}, 30_000);

test('a suspended VM warns with vCenter’s word; stop powers it off at once (no guest to ask), start resumes it', async () => {
  const { name, c, ctx } = await vmWithGuest();
  w.sim.setPower(name, 'SUSPENDED');
  expect(await c.status(ctx)).toEqual({ status: 'warn', log: [expect.stringMatching(/^warn: .* is SUSPENDED \(vCenter\): /)] });
  logs.length = 0;
  await c.stop(ctx);
  expect(w.sim.vm(name)?.power_state).toBe('POWERED_OFF');
  expect(logs).toEqual([`info: power off ${name} (${w.sim.vm(name)!.vm}, SUSPENDED)`]);
  w.sim.setPower(name, 'SUSPENDED');
  await c.start(ctx);
  expect((await c.status(ctx)).status).toBe('up');
  await c.stop(ctx);
}, 30_000);

test('a VM vCenter says powered off uncleanly is down, and the status says it crashed', async () => {
  const name = uniqueName('vm-', 20);
  w.sim.addVm({ name });
  w.sim.setPower(name, 'POWERED_OFF', { clean: false });
  const c = esx({ name });
  expect(await c.status(testContainerContext(c))).toEqual({ status: 'down', log: ['info: POWERED_OFF', `warn: ${name} was not powered off cleanly (clean_power_off false): it crashed or was cut off`] });
});
