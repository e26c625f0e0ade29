// The hpvm driver against the hpvm simulator: guests whose sshd answers only
// while the simulator says they run, tools run here and through a real
// OpenSSH management host.
import { SimulatedDriverTest, simulatorBin, type SwitchedSshd } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SimHost } from '../../../tooling/simulators/remote-kit/lib/fixture.mjs';
import driver from '../src/index.js';

const t = new SimulatedDriverTest(driver, simulatorBin('hpvm'));
beforeAll(() => t.setup(), 30_000);
afterAll(() => t.dispose());

const vmHost = () => t.host(SimHost.create('capsule-sim-hpvm-'));
let n = 0;
async function vm(h: SimHost): Promise<{ name: string; sshd: SwitchedSshd }> {
  const name = `vm${++n}`;
  h.define(name, { state: 'Off', number: n, graceful_timeout: 30 });
  return { name, sshd: await t.guests.guest(h.dir, name) };
}

test('the manifest declares a remote-managed, agentless, ssh-reached driver on any platform', async () => {
  const m = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
  expect(m.capsule).toEqual({ apiVersion: 2, provides: ['container.hpvm'], platforms: ['any'], keywords: './keywords', capabilities: { liveMigrate: true, guestChannel: 'ssh', agentless: true, remoteManaged: true } });
  expect(driver.keywords.map((k) => k.name)).toEqual(expect.arrayContaining(['name', 'hostname', 'start_timeout', 'stop_timeout', 'osvc_root_path', 'guestos', 'promote_rw', 'scsireserv', 'no_preempt_abort', 'mgmt_host']));
});

test('the exact commands: hpvmstatus -M, hpvmstart -P, hpvmstatus -d saved for replication, hpvmstop -g -F', async () => {
  const h = vmHost();
  const g = await vm(h);
  const c = t.container({ name: g.name, address: g.sshd.address, start_timeout: 10 });
  const ctx = t.context(c, t.exec(h));
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [] });
  // A dry run says what it would run and changes nothing.
  t.logs.length = 0;
  await c.start({ ...ctx, dryRun: true });
  expect([t.logs, h.guest(g.name)?.['state']]).toEqual([[`info: hpvmstart -P ${g.name}`], 'Off']);
  await c.start(ctx);
  expect(await c.status(ctx)).toEqual({ status: 'up', log: [] });
  expect((await ctx.guest(['echo', 'in the guest'])).stdout).toBe('in the guest\n');
  expect(c.replicatedFiles!()).toEqual([join(t.root, 'var/lib/capsule/s/hpvm', `${g.name}.devices`)]);
  expect(await readFile(c.replicatedFiles!()[0]!, 'utf8')).toContain('disk:avio_stor::lv:');
  await c.stop(ctx);
  expect(h.guest(g.name)?.['state']).toBe('Off');
  // Halted: the guest's sshd is gone with it.
  await expect(ctx.guest(['true'])).rejects.toMatchObject({ code: expect.stringMatching(/^(SshUnreachable|SshDisconnected)$/) });
  expect(h.calls().filter((l) => !l.startsWith('hpvmstatus -M'))).toEqual([`hpvmstart -P ${g.name}`, `hpvmstatus -d -P ${g.name}`, `hpvmstatus -d -P ${g.name}`, `hpvmstop -g -F -P ${g.name}`]);
}, 60_000);

test('a failed start carries the tool’s words: a guest migrated away is not runnable', async () => {
  const h = vmHost();
  h.define('vmgone', { state: 'Off', runnable: false });
  const c = t.container({ name: 'vmgone' });
  await expect(c.start(t.context(c, t.exec(h)))).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('not runnable on this VM Host') });
});

test('tools found in [driver.hpvm] bin_dir when PATH lacks them', async () => {
  const h = vmHost();
  h.define('vmbin', { state: 'Off' });
  const bare = (argv: readonly string[]) => localExec(argv, { env: { PATH: '/usr/bin:/bin', CAPSULE_SIM_STATE: h.dir } });
  const c = t.container({ name: 'vmbin' });
  await expect(c.status(t.context(c, bare))).rejects.toMatchObject({ code: 'CommandNotFound', hint: expect.stringContaining('bin_dir') });
  const withDir = t.container({ name: 'vmbin' }, { bin_dir: t.bin });
  expect((await withDir.status(t.context(withDir, bare))).status).toBe('down');
});

test('managedFrom: the mgmt_host keyword, else [driver.hpvm] host, else this node', () => {
  expect(t.container({ name: 'x' }).managedFrom!()).toBeUndefined();
  expect(t.container({ name: 'x' }, { host: 'vmhost1', user: 'capsule' }).managedFrom!()).toEqual({ host: 'vmhost1', user: 'capsule' });
  expect(t.container({ name: 'x', mgmt_host: 'vmhost2', mgmt_port: 2222 }, { host: 'vmhost1' }).managedFrom!()).toEqual({ host: 'vmhost2', port: 2222 });
});

test('through a real OpenSSH VM Host: start, exec in the guest, forced stop of a guest that ignores shutdown', async () => {
  const h = vmHost();
  // The guest's namespace exists before the VM Host's sshd, whose sessions then see it.
  const g = await vm(h);
  const vmhost = await t.managementHost(h);
  const c = t.container({ name: g.name, address: g.sshd.address, start_timeout: 10, stop_timeout: 2 }, { host: vmhost.address });
  expect(c.managedFrom!()).toEqual({ host: vmhost.address });
  // The tools do run there: the VM Host's own network namespace answers.
  expect((await vmhost.exec(['sh', '-c', 'ip -o -4 addr show dev eth0'])).stdout).toContain(`${vmhost.address}/30`);
  const ctx = t.context(c, vmhost.exec);
  await c.start(ctx);
  expect((await c.status(ctx)).status).toBe('up');
  expect((await ctx.guest(['sh', '-c', 'cat; exit 4'], { input: 'via the guest\n' })).stdout).toBe('via the guest\n');
  h.fault('ignore-shutdown', '', g.name);
  t.logs.length = 0;
  const t0 = Date.now();
  await c.stop(ctx);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [] });
  expect(t.logs).toContainEqual(expect.stringMatching(/^warn: .* did not shut down within 2s: forcing it off$/));
  expect(h.calls()).toEqual(expect.arrayContaining([`hpvmstop -g -F -P ${g.name}`, `hpvmstop -F -P ${g.name}`]));
}, 60_000);

test('online migration: precheck, hpvmmigrate -o to [driver.hpvm] migrate_host, the guest keeps answering', async () => {
  const here = vmHost();
  const there = vmHost();
  here.peer('vmhost2', there);
  const g = await vm(here);
  const c = t.container({ name: g.name, address: g.sshd.address, start_timeout: 10 }, { migrate_host: 'vm%n' });
  const ctx = t.context(c, t.exec(here));
  const to = { node: 'host2', exec: t.exec(there) };
  await expect(c.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'MigrationUnsupported' });
  await c.start(ctx);
  await c.precheckMigration!(ctx, to);
  await c.migrate!(ctx, to);
  expect(here.calls()).toContain(`hpvmmigrate -o -P ${g.name} -h vmhost2`);
  expect([(await c.status(ctx)).status, (await c.status({ ...ctx, exec: to.exec })).status]).toEqual(['down', 'up']);
  expect((await ctx.guest(['echo', 'still here'])).stdout).toBe('still here\n');
  // Running on the peer: a migration back from here is refused before anything moves.
  await expect(c.precheckMigration!(ctx, { node: 'host2', exec: to.exec })).rejects.toMatchObject({ code: 'MigrationUnsupported' });
  await expect(c.precheckMigration!({ ...ctx, exec: to.exec }, { node: 'host1', exec: to.exec })).rejects.toMatchObject({ code: 'GuestRunningElsewhere' });
}, 60_000);
