// The ovm driver's own behaviour on the xm simulator: the commands it runs,
// where it finds vm.cfg, what it replicates, state mapping and xm's errors.
import { isContainerResource, systemClock, type ContainerContext, type ContainerResource } from '@capsule/core';
import { guestExec } from '@capsule/transport';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import driver from '../src/index.js';
import { OvmServers, settingsOf, type OvmGuest } from './fixture.js';

const ovm = new OvmServers();
afterAll(() => ovm.dispose());
const logs: string[] = [];
const log = { info: (m: string) => logs.push(`info: ${m}`), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };
beforeEach(() => (logs.length = 0));

function container(g: OvmGuest, section: Record<string, unknown> = {}, settings: Record<string, string> = {}): ContainerResource {
  const r = driver.create({
    rid: 'container#1',
    svcname: 's',
    nodename: 'ovs1',
    config: { ssh_port: 22, ssh_user: 'root', start_timeout: 10, stop_timeout: 10, ...g.section, ...section },
    env: {},
    root: '/',
    service: { nodes: ['ovs1'], drpnodes: [], encapnodes: [] },
    settings: { values: { ...g.settings, ...settings }, secret: () => Promise.reject(new Error('none')) },
  });
  if (!isContainerResource(r)) throw new Error('a container resource');
  return r;
}

const contextOf = (c: ContainerResource, g: OvmGuest): ContainerContext => ({ exec: g.exec, log, clock: systemClock, signal: new AbortController().signal, dryRun: false, force: false, guest: guestExec(c.guestChannel(), g.exec, g.ssh) });
const actions = (g: OvmGuest, from = 0) => g.host.calls().slice(from).filter((l) => !l.startsWith('xm list'));

test('start creates the domain from the repository vm.cfg, stop shuts it down; names and replicated files', async () => {
  const g = await ovm.guest();
  const c = container(g);
  const ctx = contextOf(c, g);
  expect([c.label(), c.guestName, c.replicatedFiles!()]).toEqual([`app1 (${g.uuid})`, 'app1', [`${settingsOf(g.host).xen_dir}/${g.uuid}`]]);
  await c.start(ctx);
  expect(await c.status(ctx)).toEqual({ status: 'up', log: [] });
  expect(g.host.calls()).toContain('xm list --state=running');
  expect((await ctx.guest(['hostname', '-I'])).stdout).toContain(g.section['address']);
  await c.stop(ctx);
  expect(actions(g)).toEqual([`xm create ${g.cfg}`, `xm shutdown ${g.uuid}`]);
  expect(logs.filter((l) => l.startsWith('warn'))).toEqual([]);
}, 60_000);

test('vm.cfg: /etc/xen/UUID when no repository has it; two copies are a warning; none is ContainerNotFound', async () => {
  const g = await ovm.guest();
  const c = container(g);
  const ctx = contextOf(c, g);
  const local = `${settingsOf(g.host).xen_dir}/${g.uuid}`;
  mkdirSync(dirname(local), { recursive: true });
  cpSync(g.cfg, local);
  await c.start(ctx);
  expect(logs).toContainEqual(`warn: 2 configuration files for ${g.uuid}: ${g.cfg}, ${local}; using ${g.cfg}`);
  await c.stop(ctx);
  rmSync(g.cfg);
  await c.start(ctx);
  expect(actions(g).filter((l) => l.startsWith('xm create')).at(-1)).toBe(`xm create ${local}`);
  await c.stop(ctx);
  rmSync(local);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [`warn: no vm.cfg for ${g.uuid} in ${settingsOf(g.host).repositories}/*/VirtualMachines nor ${settingsOf(g.host).xen_dir}`] });
  await expect(c.start(ctx)).rejects.toMatchObject({ code: 'ContainerNotFound', hint: expect.stringContaining('[driver.ovm]') });
}, 60_000);

test('xend down is HypervisorUnavailable; not root is the tool failing with its words', async () => {
  const g = await ovm.guest();
  const c = container(g);
  const ctx = contextOf(c, g);
  g.host.fault('xend-down');
  await expect(c.status(ctx)).rejects.toMatchObject({ code: 'HypervisorUnavailable', hint: expect.stringContaining('xend') });
  g.host.clearFault('xend-down');
  g.host.fault('denied');
  await expect(c.start(ctx)).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('Most commands need root access') });
}, 60_000);

test('a crashed domain is down and destroyed before the next create; a paused one is unpaused', async () => {
  const g = await ovm.guest();
  const c = container(g);
  const ctx = contextOf(c, g);
  await c.start(ctx);
  g.host.patchGuest(g.uuid, { flags: '----c-' });
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [`warn: domain ${g.uuid} is ----c- (xm list): crashed and kept (on_crash = preserve): start destroys it first`] });
  const from = g.host.calls().length;
  await c.start(ctx);
  expect(actions(g, from)).toEqual([`xm destroy ${g.uuid}`, `xm create ${g.cfg}`]);
  await g.exec(['xm', 'pause', g.uuid]);
  expect((await c.status(ctx)).status).toBe('warn');
  await c.start(ctx);
  expect(g.host.calls()).toContain(`xm unpause ${g.uuid}`);
  expect((await c.status(ctx)).status).toBe('up');
  await c.stop(ctx);
}, 60_000);

test('migration: xm migrate -l to [driver.ovm] migrate_host; refused where it runs; a failure is named and the guest stays', async () => {
  const g = await ovm.guest();
  const c = container(g, {}, { migrate_host: '%n-mig' });
  const ctx = contextOf(c, g);
  const there = ovm.host();
  const to = { node: 'ovs2', exec: ovm.exec(there) };
  await expect(c.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'MigrationUnsupported' });
  await c.start(ctx);
  await expect(c.migrate!(ctx, to)).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining(`xm migrate -l ${g.uuid} ovs2-mig`) });
  expect((await c.status(ctx)).status).toBe('up');
  // The same uuid runs on the destination (the repository is shared storage).
  await to.exec(['xm', 'create', g.cfg]);
  await expect(c.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'GuestRunningElsewhere' });
  await to.exec(['xm', 'destroy', g.uuid]);
  g.host.peer('ovs2-mig', there);
  await c.precheckMigration!(ctx, to);
  await c.migrate!(ctx, to);
  expect([await g.isRunning(), there.guest(g.uuid) !== undefined]).toEqual([false, true]);
  expect(g.host.calls()).toContain(`xm migrate -l ${g.uuid} ovs2-mig`);
}, 60_000);

test('--dry-run says what it would run and runs nothing but xm list', async () => {
  const g = await ovm.guest();
  const c = container(g);
  const dry = { ...contextOf(c, g), dryRun: true };
  await c.start(dry);
  expect([await g.isRunning(), logs]).toEqual([false, [`info: xm create ${g.cfg}`]]);
  await c.start(contextOf(c, g));
  await c.stop(dry);
  expect(await g.isRunning()).toBe(true);
  expect(actions(g)).toEqual([`xm create ${g.cfg}`]);
  await c.stop(contextOf(c, g));
}, 60_000);
