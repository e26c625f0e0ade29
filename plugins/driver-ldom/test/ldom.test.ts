// The ldom driver against the ldm simulator: domains whose sshd answers only
// while they are active, ldm run here and through a real OpenSSH control domain.
import { SimulatedDriverTest, simulatorBin, type SwitchedSshd } from '@capsule/testenv';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SimHost } from '../../../tooling/simulators/remote-kit/lib/fixture.mjs';
import driver from '../src/index.js';

const t = new SimulatedDriverTest(driver, simulatorBin('ldm'));
beforeAll(() => t.setup(), 30_000);
afterAll(() => t.dispose());

function controlDomain(): SimHost {
  const h = t.host(SimHost.create('capsule-sim-ldm-'));
  h.define('primary', { state: 'active', control: true });
  return h;
}

let n = 0;
async function domain(h: SimHost, state = 'inactive'): Promise<{ name: string; sshd: SwitchedSshd }> {
  const name = `ldg${++n}`;
  h.define(name, { state, ncpu: 4, memGiB: 4 });
  return { name, sshd: await t.guests.guest(h.dir, name) };
}

test('the manifest and the keywords OpenSVC files carry', async () => {
  const m = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
  expect(m.capsule).toEqual({ apiVersion: 2, provides: ['container.ldom'], platforms: ['any'], keywords: './keywords', capabilities: { liveMigrate: true, guestChannel: 'ssh', agentless: true, remoteManaged: true } });
  expect(driver.keywords.map((k) => k.name)).toEqual(expect.arrayContaining(['name', 'hostname', 'start_timeout', 'stop_timeout', 'osvc_root_path', 'guestos', 'promote_rw', 'scsireserv', 'no_preempt_abort', 'mgmt_host']));
});

test('bind, start, constraints saved, graceful stop and unbind: the exact ldm commands', async () => {
  const h = controlDomain();
  const d = await domain(h);
  const c = t.container({ name: d.name, address: d.sshd.address, start_timeout: 10 });
  const ctx = t.context(c, t.exec(h));
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [] });
  // A dry run says what it would run and changes nothing.
  t.logs.length = 0;
  await c.start({ ...ctx, dryRun: true });
  expect([t.logs, h.guest(d.name)?.['state']]).toEqual([[`info: ldm bind-domain ${d.name}; ldm start-domain ${d.name}`], 'inactive']);
  await c.start(ctx);
  expect(await c.status(ctx)).toEqual({ status: 'up', log: [] });
  expect((await ctx.guest(['echo', 'in the domain'])).stdout).toBe('in the domain\n');
  expect(c.replicatedFiles!()).toEqual([join(t.root, 'var/lib/capsule/s/ldom', `${d.name}.xml`)]);
  expect(await readFile(c.replicatedFiles!()[0]!, 'utf8')).toContain(`ovf:id="${d.name}"`);
  await c.stop(ctx);
  expect(h.guest(d.name)?.['state']).toBe('inactive');
  await expect(ctx.guest(['true'])).rejects.toMatchObject({ code: expect.stringMatching(/^(SshUnreachable|SshDisconnected)$/) });
  expect(h.calls().filter((l) => !l.startsWith('ldm list '))).toEqual([
    `ldm bind-domain ${d.name}`,
    `ldm start-domain ${d.name}`,
    `ldm list-constraints -x ${d.name}`,
    `ldm list-constraints -x ${d.name}`,
    `ldm stop-domain -t 120 ${d.name}`,
    `ldm unbind-domain ${d.name}`,
  ]);
}, 60_000);

test('a bound domain is started without binding; a bound domain is unbound by stop', async () => {
  const h = controlDomain();
  const d = await domain(h, 'bound');
  const c = t.container({ name: d.name, address: d.sshd.address, start_timeout: 10 });
  const ctx = t.context(c, t.exec(h));
  await c.start(ctx);
  expect(h.calls()).not.toContain(`ldm bind-domain ${d.name}`);
  await c.stop(ctx);
  h.define(d.name, { state: 'bound' });
  await c.stop(ctx);
  expect(h.guest(d.name)?.['state']).toBe('inactive');
}, 60_000);

test('ldm refusing is a failed action with its words: authorization', async () => {
  const h = controlDomain();
  h.define('ldgx', { state: 'inactive' });
  h.fault('denied', '', 'ldgx');
  const c = t.container({ name: 'ldgx' });
  await expect(c.start(t.context(c, t.exec(h)))).rejects.toMatchObject({ code: 'ContainerActionFailed', message: 'container#0: ldm bind-domain ldgx failed with exit 1: Authorization failed' });
});

test('through a real OpenSSH control domain: start, exec in the domain, a domain ignoring shutdown stopped with -f', async () => {
  const h = controlDomain();
  // The domain's namespace exists before the control domain's sshd, whose sessions then see it.
  const d = await domain(h);
  const cdom = await t.managementHost(h);
  const c = t.container({ name: d.name, address: d.sshd.address, start_timeout: 10, stop_timeout: 2, mgmt_host: cdom.address });
  expect(c.managedFrom!()).toEqual({ host: cdom.address });
  expect((await cdom.exec(['sh', '-c', 'ip -o -4 addr show dev eth0'])).stdout).toContain(`${cdom.address}/30`);
  const ctx = t.context(c, cdom.exec);
  await c.start(ctx);
  expect((await ctx.guest(['sh', '-c', 'cat'], { input: 'stdin through the domain\n' })).stdout).toBe('stdin through the domain\n');
  h.fault('ignore-shutdown', '', d.name);
  t.logs.length = 0;
  await c.stop(ctx);
  expect((await c.status(ctx)).status).toBe('down');
  expect(t.logs).toContainEqual(expect.stringMatching(/^warn: .* did not shut down within 2s: forcing it off$/));
  expect(h.calls()).toEqual(expect.arrayContaining([`ldm stop-domain -t 2 ${d.name}`, `ldm stop-domain -f ${d.name}`, `ldm unbind-domain ${d.name}`]));
}, 60_000);

test('migration: precheck (a dry run of ldm itself), migrate-domain with a password file, the domain leaves', async () => {
  const here = controlDomain();
  const there = controlDomain();
  here.peer('cdom-host2', there);
  const d = await domain(here);
  const pw = join(t.root, 'ldm-password');
  await writeFile(pw, 'secret\n', { mode: 0o600 });
  const c = t.container({ name: d.name, address: d.sshd.address, start_timeout: 10 }, { migrate_target: 'root@cdom-%n', migrate_password_file: pw });
  const ctx = t.context(c, t.exec(here));
  const to = { node: 'host2', exec: t.exec(there) };
  await c.start(ctx);
  await c.precheckMigration!(ctx, to);
  expect(here.calls()).toContain(`ldm migrate-domain -n -p ${pw} ${d.name} root@cdom-host2`);
  const wrong = t.container({ name: d.name }, { migrate_target: 'nowhere' });
  await expect(wrong.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('ldmd service is running on the target') });
  await c.migrate!(ctx, to);
  expect((await c.status(ctx)).status).toBe('down');
  expect((await c.status({ ...ctx, exec: to.exec })).status).toBe('up');
  expect((await ctx.guest(['echo', 'still answering'])).stdout).toBe('still answering\n');
  // Back the other way is refused while the name is taken here.
  here.define(d.name, { state: 'bound' });
  await expect(c.precheckMigration!({ ...ctx, exec: to.exec }, { node: 'host1', exec: t.exec(here) })).rejects.toMatchObject({ code: 'MigrationUnsupported' });
}, 60_000);
