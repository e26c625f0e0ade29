// The vcloud driver against the Cloud Director simulator, beyond the
// conformance suite: TLS and credentials as the node gives them, sessions
// that expire, the API version, tasks that fail, Cloud Director's refusals.
import { driverSettings } from '@capsule/config';
import { isContainerResource, type ContainerResource } from '@capsule/core';
import { VM_STATUS } from '@capsule/sim-vcloud';
import { testContainerContext, testInit, uniqueName } from '@capsule/testenv';
import { roundTrip } from '@capsule/sim-https';
import { guestExec, localExec } from '@capsule/transport';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import driver from '../src/index.js';
import type { VcloudConfig } from '../src/container.js';
import { CREDENTIALS, VAPP, VcloudWorld } from './fixture.js';

const w = new VcloudWorld();
beforeAll(() => w.setup(), 30_000);
afterAll(() => w.teardown(), 30_000);

const logs: string[] = [];
const log = { info: (m: string) => logs.push(`info: ${m}`), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };

function vm(config: Partial<VcloudConfig> & { name: string }, settings: Record<string, string> = w.settings()): ContainerResource {
  const r = driver.create(testInit('container#3', { vapp: VAPP, ssh_port: 22, ssh_user: 'root', start_timeout: 10, stop_timeout: 5, ...config }, { root: w.dir, settings: driverSettings({ 'driver.vcloud': settings }, 'vcloud', w.dir) }));
  if (!isContainerResource(r)) throw new Error('not a container');
  return r;
}
const logins = () => w.sim.requests.filter((r) => r === 'POST /cloudapi/1.0.0/sessions').length;
/** Where sessions are kept across commands. */
const kept = () => join(w.dir, 'var/lib/capsule/driver.vcloud');

test('a CA that did not sign Cloud Director’s certificate is refused with EndpointTlsFailed', async () => {
  const c = vm({ name: 'x' }, w.settings({ ca_file: w.pki.otherCaFile }));
  await expect(c.status(testContainerContext(c))).rejects.toMatchObject({ code: 'EndpointTlsFailed' });
});

test('a credentials file others can read is refused before any login; a wrong password is EndpointAuthFailed', async () => {
  await rm(kept(), { recursive: true, force: true });
  const n = logins();
  const open = join(w.dir, 'open.cred');
  await writeFile(open, CREDENTIALS, { mode: 0o640 });
  const c = vm({ name: 'x' }, w.settings({ credentials_file: open }));
  await expect(c.status(testContainerContext(c))).rejects.toMatchObject({ code: 'SecretFileUnsafe' });
  expect(logins()).toBe(n);
  const wrong = join(w.dir, 'wrong.cred');
  await writeFile(wrong, 'username=capsule@acme\npassword=nope\n', { mode: 0o600 });
  const d = vm({ name: 'x' }, w.settings({ credentials_file: wrong }));
  await expect(d.status(testContainerContext(d))).rejects.toMatchObject({ code: 'EndpointAuthFailed', message: expect.stringContaining('capsule@acme') });
});

test('the API version is named on every call; one session across commands, a new one when it expired; status shows the numeric status', async () => {
  const name = uniqueName('vcd-', 20);
  w.add(name);
  const c = vm({ name });
  const ctx = testContainerContext(c);
  await rm(kept(), { recursive: true, force: true });
  const n = logins();
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [] });
  // The next command (a new resource) uses the session this one kept.
  expect(await vm({ name }).status(ctx)).toEqual({ status: 'down', log: [] });
  expect(logins()).toBe(n + 1);
  const [file] = await readdir(kept());
  expect((await stat(join(kept(), file!))).mode & 0o777).toBe(0o600);
  w.sim.state.update((s) => void (s.sessions = {}));
  expect(await vm({ name }).status(ctx)).toEqual({ status: 'down', log: [] });
  expect(logins()).toBe(n + 2);
  // A Cloud Director that does not speak the configured version refuses it (406): a named error, not a crash.
  const old = vm({ name }, w.settings({ api_version: 'x' }));
  await expect(old.status(ctx)).rejects.toMatchObject({ code: 'EndpointError', message: expect.stringContaining('406: NOT_ACCEPTABLE: The request has invalid accept header: Invalid API version requested. Supported API versions are: [37.0.0-alpha, 36.3'), hint: expect.stringContaining('api_version') });
  // A vApp template's VM of the same name and vApp, listed first by the vm query, is not the VM.
  w.sim.state.update((s) => {
    const real = s.vms.findIndex((v) => v.name === name);
    s.vms.unshift({ ...s.vms[real]!, id: `tpl-${name}`, template: true, status: VM_STATUS.POWERED_ON });
  });
  expect(await vm({ name }).status(ctx)).toEqual({ status: 'down', log: [] });
  // A VM of the same name in another vApp is another VM.
  expect(await vm({ name, vapp: 'other' }).status(ctx)).toEqual({ status: 'down', log: [`warn: Cloud Director knows no VM ${name} in vApp other`] });
  w.sim.state.update((s) => void (s.vms.find((v) => v.name === name && !v.template)!.status = VM_STATUS.SUSPENDED));
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [`info: VM ${name} is SUSPENDED (3) (Cloud Director): suspended: its memory on disk, not running; start (powerOn) resumes it`] });
});

test('the guest answers only while powered on; no VMware Tools: the failed shutdown task is warned and the VM powered off', async () => {
  const name = uniqueName('vcd-', 20);
  const g = await w.guests.create(name);
  w.add(name, g.address);
  const c = vm({ name, address: g.address });
  const ctx = { ...testContainerContext(c, localExec, log), guest: guestExec(c.guestChannel(), localExec, g.ssh) };
  await c.start(ctx);
  expect((await ctx.guest(['true'])).code).toBe(0);
  w.setFault(`${name}.no-tools`);
  logs.length = 0;
  await c.stop(ctx);
  expect(w.sim.vm(name)?.status).toBe(VM_STATUS.POWERED_OFF);
  expect(logs).toContainEqual(expect.stringMatching(/^warn: shutdown of .* refused \(Cannot complete operation because VMware Tools is not running.*\): powering it off$/));
  await expect(ctx.guest(['true'])).rejects.toMatchObject({ code: expect.stringMatching(/Unreachable|Disconnected/) });
}, 30_000);

test('without an address keyword the guest is reached at the address Cloud Director reports, kept for the next command', async () => {
  const name = uniqueName('vcd-', 20);
  const g = await w.guests.create(name);
  w.add(name, g.address);
  // A network the VM is not connected to gives no address: the host name stays.
  const elsewhere = vm({ name, network: 'isolated' });
  await elsewhere.status(testContainerContext(elsewhere));
  expect(vm({ name }).guestChannel()).toMatchObject({ host: name });
  const c = vm({ name, network: 'routed' });
  expect(await c.status(testContainerContext(c))).toEqual({ status: 'down', log: [] });
  // The next command (a new resource, as each CLI run makes) knows the address.
  expect(await roundTrip(vm({ name }), g)).toEqual({ host: g.address, code: 0 });
}, 30_000);

test('a refused power on names the right to give; a busy VM is Cloud Director’s BUSY_ENTITY', async () => {
  const name = uniqueName('vcd-', 20);
  w.add(name);
  const c = vm({ name });
  w.setFault(`${name}.denied`);
  await expect(c.start(testContainerContext(c))).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('ACCESS_TO_RESOURCE_IS_FORBIDDEN'), hint: expect.stringContaining('Power Operations') });
  w.sim.state.clearFault(`${name}.denied`);
  w.setFault(`${name}.busy`);
  await expect(c.start(testContainerContext(c))).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('400: BUSY_ENTITY') });
  expect(w.sim.vm(name)?.status).toBe(VM_STATUS.POWERED_OFF);
});

test('dry run: start and stop say what they would do and change nothing', async () => {
  const name = uniqueName('vcd-', 20);
  w.add(name);
  const c = vm({ name, address: '203.0.113.254' });
  const ctx = testContainerContext(c, localExec, log);
  logs.length = 0;
  await c.start({ ...ctx, dryRun: true });
  expect(w.sim.vm(name)?.status).toBe(VM_STATUS.POWERED_OFF);
  w.sim.state.update((s) => void (s.vms.find((v) => v.name === name)!.status = VM_STATUS.POWERED_ON));
  await c.stop({ ...ctx, dryRun: true });
  expect(w.sim.vm(name)?.status).toBe(VM_STATUS.POWERED_ON);
  expect(logs).toEqual([`info: powerOn ${VAPP}/${name} (POWERED_OFF (8))`, `info: shutdown ${VAPP}/${name} (5s before powerOff)`]);
});

test('a guest shutdown whose task is still postRunning is waited for, not taken as refused; a queued power on is followed', async () => {
  const name = uniqueName('vcd-', 20);
  const g = await w.guests.create(name);
  w.add(name, g.address);
  const c = vm({ name, address: g.address });
  const ctx = { ...testContainerContext(c, localExec, log), guest: guestExec(c.guestChannel(), localExec, g.ssh) };
  w.setFault('queued-ms', '600');
  w.setFault('post-running-ms', '1500');
  try {
    await c.start(ctx);
    expect(w.sim.vm(name)?.status).toBe(VM_STATUS.POWERED_ON);
    logs.length = 0;
    const n = w.sim.requests.length;
    await c.stop(ctx);
    expect(w.sim.vm(name)?.status).toBe(VM_STATUS.POWERED_OFF);
    // Before the fix the postRunning shutdown task read as ended and failed: "refused", then a powerOff.
    expect(logs.filter((l) => l.startsWith('warn:'))).toEqual([]);
    expect(w.sim.requests.slice(n).filter((r) => r.endsWith('/power/action/powerOff'))).toEqual([]);
  } finally {
    w.sim.state.clearFault('queued-ms');
    w.sim.state.clearFault('post-running-ms');
  }
}, 30_000);

test('a power on task that ends aborted or canceled fails the start in those words', async () => {
  const name = uniqueName('vcd-', 20);
  w.add(name);
  const c = vm({ name });
  for (const end of ['aborted', 'canceled']) {
    w.setFault(`${name}.task-ends`, end);
    await expect(c.start(testContainerContext(c))).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining(`powerOn of ${name} failed: task vappPowerOn is ${end}`) });
  }
  expect(w.sim.vm(name)?.status).toBe(VM_STATUS.POWERED_OFF);
});
