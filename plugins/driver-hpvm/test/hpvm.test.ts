// The hpvm driver against the hpvm simulator: guests whose sshd answers only
// while the simulator says they run, tools run here and through a real
// OpenSSH management host.
import { isContainerResource, type ContainerResource, type Exec } from '@capsule/core';
import { SshGuests, switchedSshd, testInit, TestNetwork, type SwitchedSshd } from '@capsule/testenv';
import { guestExec, localExec, SshSessions } from '@capsule/transport';
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimHost } from '../../../tooling/simulators/remote-kit/lib/fixture.mjs';
import driver from '../src/index.js';
import { SIM_BIN, SIM_PATH, simExec } from './sim.js';

const net = new TestNetwork();
const guests = new SshGuests(net);
const hosts: SimHost[] = [];
let root: string;
const logs: string[] = [];
const log = { info: (m: string) => logs.push(`info: ${m}`), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-hpvmt-'));
  await guests.init();
}, 30_000);
afterAll(async () => {
  await guests.dispose();
  await net.dispose();
  hosts.forEach((h) => h.dispose());
  await rm(root, { recursive: true, force: true });
});

function simHost(): SimHost {
  const h = SimHost.create('capsule-sim-hpvm-');
  hosts.push(h);
  return h;
}

async function vm(h: SimHost, name = `vm${hosts.length}${Math.random().toString(36).slice(2, 6)}`): Promise<{ name: string; sshd: SwitchedSshd }> {
  h.define(name, { state: 'Off', number: 1, graceful_timeout: 30 });
  return { name, sshd: await guests.guest(h.dir, name) };
}

function container(section: Record<string, unknown>, settings: Record<string, string> = {}): ContainerResource {
  const r = driver.create(testInit('container#0', { ssh_port: 22, ssh_user: 'root', start_timeout: 10, stop_timeout: 5, ...section }, { root, svcname: 's', settings: { values: settings, secret: () => Promise.reject(new Error('none')) } }));
  if (!isContainerResource(r)) throw new Error('the hpvm driver must create a container resource');
  return r;
}

const contextOf = (c: ContainerResource, exec: Exec) => ({ exec, log, dryRun: false, force: false, clock: { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) }, signal: new AbortController().signal, guest: guestExec(c.guestChannel(), exec, guests.ssh) });

test('the manifest declares a remote-managed, agentless, ssh-reached driver on any platform', async () => {
  const m = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
  expect(m.capsule).toEqual({ apiVersion: 2, provides: ['container.hpvm'], platforms: ['any'], keywords: './keywords', capabilities: { liveMigrate: true, guestChannel: 'ssh', agentless: true, remoteManaged: true } });
  expect(driver.keywords.map((k) => k.name)).toEqual(expect.arrayContaining(['name', 'hostname', 'start_timeout', 'stop_timeout', 'osvc_root_path', 'guestos', 'promote_rw', 'scsireserv', 'no_preempt_abort', 'mgmt_host']));
});

test('the exact commands: hpvmstatus -M, hpvmstart -P, hpvmstatus -d saved for replication, hpvmstop -g -F', async () => {
  const h = simHost();
  const g = await vm(h);
  const c = container({ name: g.name, address: g.sshd.address });
  const ctx = contextOf(c, simExec(h.dir));
  expect(await c.status(ctx)).toEqual({ status: 'down', log: ['info: hpvmstatus: Off'] });
  await c.start(ctx);
  expect(await c.status(ctx)).toEqual({ status: 'up', log: ['info: hpvmstatus: On'] });
  expect((await ctx.guest(['echo', 'in the guest'])).stdout).toBe('in the guest\n');
  expect(await readFile(c.replicatedFiles!()[0]!, 'utf8')).toContain('disk:avio_stor::lv:');
  expect(c.replicatedFiles!()).toEqual([join(root, 'var/lib/capsule/s/hpvm', `${g.name}.devices`)]);
  await c.stop(ctx);
  expect(h.guest(g.name)?.['state']).toBe('Off');
  // Halted: the guest's sshd is gone with it.
  await expect(ctx.guest(['true'])).rejects.toMatchObject({ code: expect.stringMatching(/^(SshUnreachable|SshDisconnected)$/) });
  const calls = h.calls().filter((l) => !l.startsWith('hpvmstatus -M'));
  expect(calls).toEqual([`hpvmstart -P ${g.name}`, `hpvmstatus -d -P ${g.name}`, `hpvmstatus -d -P ${g.name}`, `hpvmstop -g -F -P ${g.name}`]);
}, 60_000);

test('a failed start carries the tool’s words: a guest migrated away is not runnable', async () => {
  const h = simHost();
  const name = 'vmgone';
  h.define(name, { state: 'Off', runnable: false });
  const c = container({ name });
  await expect(c.start(contextOf(c, simExec(h.dir)))).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('not runnable on this VM Host') });
});

test('tools found in [driver.hpvm] bin_dir when PATH lacks them', async () => {
  const h = simHost();
  h.define('vmbin', { state: 'Off' });
  const bare: Exec = (argv, o) => localExec(argv, { ...o, env: { PATH: '/usr/bin:/bin', CAPSULE_SIM_STATE: h.dir } });
  const c = container({ name: 'vmbin' });
  await expect(c.status(contextOf(c, bare))).rejects.toMatchObject({ code: 'CommandNotFound', hint: expect.stringContaining('bin_dir') });
  const withDir = container({ name: 'vmbin' }, { bin_dir: SIM_BIN });
  expect((await withDir.status(contextOf(withDir, bare))).status).toBe('down');
});

test('managedFrom: the mgmt_host keyword, else [driver.hpvm] host, else this node', () => {
  expect(container({ name: 'x' }).managedFrom!()).toBeUndefined();
  expect(container({ name: 'x' }, { host: 'vmhost1', user: 'capsule' }).managedFrom!()).toEqual({ host: 'vmhost1', user: 'capsule' });
  expect(container({ name: 'x', mgmt_host: 'vmhost2', mgmt_port: 2222 }, { host: 'vmhost1' }).managedFrom!()).toEqual({ host: 'vmhost2', port: 2222 });
});

describe('through a real OpenSSH management host', () => {
  let mgmt: SwitchedSshd;
  let mgmtSsh: SshSessions;
  let h: SimHost;
  let g: { name: string; sshd: SwitchedSshd };
  beforeAll(async () => {
    h = simHost();
    // The guest's namespace exists before the management host's sshd, whose sessions then see it.
    g = await vm(h);
    mgmt = await switchedSshd(net, { setEnv: { PATH: SIM_PATH, CAPSULE_SIM_STATE: h.dir } });
    await mgmt.start();
    mgmtSsh = new SshSessions({ identityFile: mgmt.endpoint.identityFile, knownHosts: mgmt.endpoint.knownHosts, connectTimeoutMs: 2000 });
  }, 60_000);
  afterAll(async () => {
    await mgmtSsh?.close();
    await mgmt?.dispose();
  });

  test('start, exec in the guest, forced stop of a guest that ignores shutdown, all tools run on the VM Host', async () => {
    const c = container({ name: g.name, address: g.sshd.address, stop_timeout: 2 }, { host: mgmt.address });
    const where = c.managedFrom!()!;
    // What the engine does for a remote-managed resource: ctx.exec is an ssh session on the management host.
    const exec = mgmtSsh.exec({ host: where.host, port: where.port ?? 22, user: where.user ?? 'root' });
    // The tools do run there: the management host's own network namespace answers.
    expect((await exec(['sh', '-c', 'ip -o -4 addr show dev eth0'])).stdout).toContain(`${mgmt.address}/30`);
    const ctx = contextOf(c, exec);
    await c.start(ctx);
    expect((await c.status(ctx)).status).toBe('up');
    expect((await ctx.guest(['sh', '-c', 'cat; exit 4'], { input: 'via the guest\n' })).stdout).toBe('via the guest\n');
    h.fault('ignore-shutdown', '', g.name);
    logs.length = 0;
    const t0 = Date.now();
    await c.stop(ctx);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    expect(await c.status(ctx)).toEqual({ status: 'down', log: ['info: hpvmstatus: Off'] });
    expect(logs).toContainEqual(expect.stringMatching(/^warn: .* did not shut down within 2s: forcing it off$/));
    expect(h.calls()).toEqual(expect.arrayContaining([`hpvmstop -g -F -P ${g.name}`, `hpvmstop -F -P ${g.name}`]));
  }, 60_000);
});

test('online migration: precheck, hpvmmigrate -o to [driver.hpvm] migrate_host, the guest keeps answering', async () => {
  const here = simHost();
  const there = simHost();
  here.peer('vmhost2', there);
  const g = await vm(here);
  const c = container({ name: g.name, address: g.sshd.address }, { migrate_host: 'vm%n' });
  const ctx = contextOf(c, simExec(here.dir));
  const to = { node: 'host2', exec: simExec(there.dir) };
  await expect(c.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'MigrationUnsupported' });
  await c.start(ctx);
  await c.precheckMigration!(ctx, to);
  await c.migrate!(ctx, to);
  expect(here.calls()).toContain(`hpvmmigrate -o -P ${g.name} -h vmhost2`);
  expect([(await c.status(ctx)).status, (await c.status({ ...ctx, exec: to.exec })).status]).toEqual(['down', 'up']);
  expect((await ctx.guest(['echo', 'still here'])).stdout).toBe('still here\n');
  await expect(c.migrate!(ctx, { node: 'nowhere', exec: to.exec })).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('Guest') });
}, 60_000);
