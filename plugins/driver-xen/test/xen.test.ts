// The xen driver's own behaviour on the xl simulator: the commands it runs,
// the files it replicates, state mapping and the errors of xl.
import { isContainerResource, systemClock, type ContainerContext, type ContainerResource } from '@capsule/core';
import { guestExec, SshSessions } from '@capsule/transport';
import { existsSync, writeFileSync } from 'node:fs';
import driver from '../src/index.js';
import { XenHosts, type XenGuest } from './fixture.js';

const xen = new XenHosts();
afterAll(() => xen.dispose());
const logs: string[] = [];
const log = { info: (m: string) => logs.push(`info: ${m}`), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };

function container(section: Record<string, unknown>, settings: Record<string, string> = {}): ContainerResource {
  const r = driver.create({
    rid: 'container#1',
    svcname: 's',
    nodename: 'hv1',
    config: { ssh_port: 22, ssh_user: 'root', start_timeout: 10, stop_timeout: 10, ...section },
    env: {},
    root: '/',
    service: { nodes: ['hv1'], drpnodes: [], encapnodes: [] },
    settings: { values: settings, secret: () => Promise.reject(new Error('none')) },
  });
  if (!isContainerResource(r)) throw new Error('a container resource');
  return r;
}

function contextOf(c: ContainerResource, g: XenGuest, extra: Partial<ContainerContext> = {}): ContainerContext {
  return { exec: g.exec, log, clock: systemClock, signal: new AbortController().signal, dryRun: false, force: false, guest: guestExec(c.guestChannel(), g.exec, g.ssh), ...extra };
}

beforeEach(() => (logs.length = 0));

test('start creates the domain from its config file, stop shuts it down and waits; the tool is called as on a real host', async () => {
  const g = await xen.guest();
  const c = container(g.section);
  const ctx = contextOf(c, g);
  expect(c.replicatedFiles!()).toEqual([g.section['cf']]);
  await c.start(ctx);
  expect(await c.status(ctx)).toEqual({ status: 'up', log: ['info: xl list: -b----'] });
  expect((await ctx.guest(['hostname', '-I'])).stdout).toContain(g.section['address']);
  await c.stop(ctx);
  expect(g.host.calls().filter((l) => !l.startsWith('xl list'))).toEqual([`xl create ${g.section['cf']}`, `xl shutdown -F -w ${g.name}`]);
  expect(logs.filter((l) => l.startsWith('warn'))).toEqual([]);
  // Down: a new connection to the guest's sshd finds nobody.
  const fresh = new SshSessions(g.ssh.defaults);
  try {
    await expect(guestExec(c.guestChannel(), g.exec, fresh)(['true'])).rejects.toMatchObject({ code: 'SshUnreachable' });
  } finally {
    await fresh.close();
  }
}, 60_000);

test('the config file is found in [driver.xen] confdir when cf is not set', async () => {
  const g = await xen.guest();
  const c = container({ name: g.name, address: g.section['address'] }, { confdir: g.host.dir });
  expect(c.replicatedFiles!()).toEqual([g.section['cf']]);
  const ctx = contextOf(c, g);
  await c.start(ctx);
  expect(g.host.guest(g.name)).toMatchObject({ config: g.section['cf'] });
  await c.stop(ctx);
  const none = container({ name: g.name }, { confdir: '/nonexistent/xen' });
  expect(await none.status(ctx)).toEqual({ status: 'down', log: ['warn: no domain config file /nonexistent/xen/' + g.name + '.cfg'] });
  await expect(none.start(ctx)).rejects.toMatchObject({ code: 'ContainerNotFound', hint: expect.stringContaining('confdir') });
}, 60_000);

test('a crashed domain is reported down and destroyed before the next create; a paused one is unpaused', async () => {
  const g = await xen.guest();
  const c = container(g.section);
  const ctx = contextOf(c, g);
  await c.start(ctx);
  g.host.patchGuest(g.name, { flags: '---sc-' });
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [`warn: domain ${g.name} crashed (xl list: ---sc-); start destroys it first`] });
  const before = g.host.calls().length;
  await c.start(ctx);
  expect(g.host.calls().slice(before).filter((l) => !l.startsWith('xl list'))).toEqual([`xl destroy ${g.name}`, `xl create ${g.section['cf']}`]);
  expect((await c.status(ctx)).status).toBe('up');
  await g.exec(['xl', 'pause', g.name]);
  expect(await c.status(ctx)).toEqual({ status: 'warn', log: [`warn: domain ${g.name} is paused (xl list: --p---)`] });
  await c.start(ctx);
  expect(g.host.calls().at(-1)).not.toBe(`xl create ${g.section['cf']}`);
  expect(g.host.calls()).toContain(`xl unpause ${g.name}`);
  expect((await c.status(ctx)).status).toBe('up');
  await c.stop(ctx);
}, 60_000);

test('xl errors keep their words: permission denied, no Xen, busy, a slow shutdown forced off', async () => {
  const g = await xen.guest();
  const c = container({ ...g.section, stop_timeout: 1 });
  const ctx = contextOf(c, g);
  g.host.fault('denied');
  await expect(c.status(ctx)).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('cannot init xl context') });
  g.host.clearFault('denied');
  g.host.fault('no-hypervisor');
  await expect(c.start(ctx)).rejects.toMatchObject({ code: 'HypervisorUnavailable', message: expect.stringContaining('cannot open libxc handle: No such file or directory'), hint: expect.stringContaining('xencommons') });
  g.host.clearFault('no-hypervisor');
  g.host.fault('busy', g.name);
  await expect(c.start(ctx)).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringMatching(/xl create .* failed with exit 1: .*busy/) });
  expect(await g.isRunning()).toBe(false);
  g.host.clearFault('busy', g.name);
  await c.start(ctx);
  // The guest takes 3 s to shut down: more than stop_timeout.
  g.host.fault('slow', g.name, '3');
  const t0 = Date.now();
  await c.stop(ctx);
  expect(Date.now() - t0).toBeLessThan(8000);
  expect(logs).toContainEqual(`warn: ${g.name} did not shut down within 1s: forcing it off`);
  expect(await g.isRunning()).toBe(false);
  expect(g.host.calls().at(-1)).toMatch(/^xl (destroy|list)/);
}, 60_000);

test('migration: refused where the domain runs already or is not running here; a failed xl migrate is named and the domain stays', async () => {
  const g = await xen.guest();
  const c = container(g.section);
  const ctx = contextOf(c, g);
  const there = xen.host();
  const to = { node: 'hv2', exec: xen.exec(there) };
  await expect(c.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'MigrationUnsupported' });
  await c.start(ctx);
  // The same domain runs on the destination already.
  writeFileSync(there.path(`${g.name}.cfg`), `name = "${g.name}"\n`);
  await xen.exec(there)(['xl', 'create', there.path(`${g.name}.cfg`)]);
  await expect(c.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'GuestRunningElsewhere' });
  await xen.exec(there)(['xl', 'destroy', g.name]);
  await c.precheckMigration!(ctx, to);
  // hv2 unknown to this host (no ssh to it): xl migrate fails and the domain keeps running here.
  await expect(c.migrate!(ctx, to)).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('Migration failed, resuming at sender') });
  expect((await c.status(ctx)).status).toBe('up');
  // With [driver.xen] migrate_host the destination's address is used.
  g.host.peer('hv2.migration.example', there);
  const viaAddress = container(g.section, { migrate_host: '%n.migration.example' });
  await viaAddress.migrate!(ctx, to);
  expect(g.host.calls()).toContain(`xl migrate ${g.name} hv2.migration.example`);
  expect([await g.isRunning(), there.guest(g.name) !== undefined]).toEqual([false, true]);
  expect(existsSync(g.section['cf']!)).toBe(true);
}, 60_000);

test('--dry-run says what it would run and runs nothing but xl list', async () => {
  const g = await xen.guest();
  const c = container(g.section);
  const ctx = { ...contextOf(c, g), dryRun: true };
  await c.start(ctx);
  expect([await g.isRunning(), logs]).toEqual([false, [`info: xl create ${g.section['cf']}`]]);
  await c.start(contextOf(c, g));
  await c.stop(ctx);
  expect(await g.isRunning()).toBe(true);
  expect(g.host.calls().filter((l) => !l.startsWith('xl list'))).toEqual([`xl create ${g.section['cf']}`]);
  await c.stop(contextOf(c, g));
}, 60_000);
