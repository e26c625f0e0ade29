// The VirtualBox driver beyond the conformance suite, on the VBoxManage
// simulator with real sshd guests: machine states and their words, paused
// machines, headless or not, the settings file a peer registers, a guest
// whose host key the node does not know.
import { isContainerResource, systemClock, type ContainerContext, type ContainerResource, type Exec } from '@capsule/core';
import { testInit } from '@capsule/testenv';
import { guestExec, SshSessions } from '@capsule/transport';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import driver from '../src/index.js';
import { VboxHost, type TestMachine } from './fixture.js';

const host = new VboxHost();
let root: string;
const logs: string[] = [];
const log = { info: (m: string) => logs.push(`info: ${m}`), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };

beforeAll(async () => {
  await host.setup();
  root = await mkdtemp(join(tmpdir(), 'capsule-vbox-hv-'));
}, 30_000);
afterAll(async () => {
  await host.dispose();
  await rm(root, { recursive: true, force: true });
}, 30_000);
beforeEach(() => {
  logs.length = 0;
});

function container(m: Pick<TestMachine, 'name' | 'address'>, extra: Record<string, unknown> = {}): ContainerResource {
  const config = { name: m.name, address: m.address, headless: true, ssh_port: 22, ssh_user: 'root', start_timeout: 15, stop_timeout: 5, ...extra };
  const r = driver.create(testInit('container#0', config, { svcname: 'web', root }));
  if (!isContainerResource(r)) throw new Error('the vbox driver must create a container resource');
  return r;
}

function ctxOf(c: ContainerResource, exec: Exec = host.exec, ssh: SshSessions = host.ssh): ContainerContext {
  return { exec, log, clock: systemClock, signal: new AbortController().signal, dryRun: false, force: false, guest: guestExec(c.guestChannel(), exec, ssh) };
}

const vbox = async (...args: string[]) => {
  const r = await host.exec(['VBoxManage', ...args]);
  if (r.code !== 0) throw new Error(`test setup: VBoxManage ${args.join(' ')}: ${r.stderr}`);
};

test('start headless, the guest answers over ssh as itself, the settings file is kept for the peers', async () => {
  const m = await host.machine();
  const c = container(m);
  const ctx = ctxOf(c);
  expect(c.guestChannel()).toEqual({ kind: 'ssh', host: m.address, port: 22, user: 'root' });
  await c.start(ctx);
  expect(logs).toContain(`info: VBoxManage startvm ${m.name} --type headless`);
  // The guest is the sshd in the machine's own network namespace.
  expect((await ctx.guest(['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])).stdout).toContain(`inet ${m.address}/30`);
  const [copy] = c.replicatedFiles!();
  expect(copy).toBe(join(root, 'var/lib/capsule/web/vbox', `${m.name}.vbox`));
  expect(await readFile(copy!, 'utf8')).toContain(`name="${m.name}"`);
  await c.stop(ctx);
  expect(await host.state(m.name)).toBe('poweroff');
  expect(logs.filter((l) => l.startsWith('warn'))).toEqual([]);
  // Powered off, the guest does not answer any more.
  await expect(ctx.guest(['true'], { timeoutMs: 3000 })).rejects.toMatchObject({ code: expect.stringMatching(/^(GuestUnreachable|SshUnreachable|SshDisconnected)$/) });
}, 60_000);

test('a peer that never had the machine is told how to register it, and registers the replicated settings file as the same machine', async () => {
  const m = await host.machine();
  const c = container(m);
  await c.start(ctxOf(c));
  await c.stop(ctxOf(c));
  const peer = new VboxHost();
  try {
    const there = ctxOf(c, peer.exec);
    await expect(c.start(there)).rejects.toMatchObject({ code: 'ContainerNotFound', hint: expect.stringContaining(`VBoxManage registervm ${c.replicatedFiles!()[0]}`) });
    expect((await peer.exec(['VBoxManage', 'registervm', c.replicatedFiles!()[0]!])).code).toBe(0);
    expect(await c.status(there)).toEqual({ status: 'down', log: [] });
    expect(peer.sim.record(m.name)).toMatchObject({ name: m.name, uuid: host.sim.record(m.name)!['uuid'] });
  } finally {
    await peer.dispose();
  }
}, 60_000);

test.each([
  ['paused', ['pause'], { status: 'warn', log: ['warn: machine NAME is paused (VBoxManage): paused (controlvm pause): start resumes it'] }],
  ['saved', ['savestate'], { status: 'down', log: ['info: machine NAME is saved (VBoxManage): its state saved to disk (savestate): start restores it'] }],
  ['running', [], { status: 'up', log: [] }],
])('status of a %s machine: %j', async (_, actions, expected) => {
  const m = await host.machine({ sshd: false });
  await vbox('startvm', m.name, '--type', 'headless');
  for (const a of actions) await vbox('controlvm', m.name, a);
  const c = container(m);
  expect(await c.status(ctxOf(c))).toEqual({ ...expected, log: expected.log.map((l) => l.replace('NAME', m.name)) });
}, 30_000);

test('a paused machine is resumed on start, and powered off at once on stop', async () => {
  const m = await host.machine();
  const c = container(m);
  const ctx = ctxOf(c);
  await c.start(ctx);
  await vbox('controlvm', m.name, 'pause');
  await c.start(ctx);
  expect(logs).toContain(`info: VBoxManage controlvm ${m.name} resume`);
  expect(await host.state(m.name)).toBe('running');
  await vbox('controlvm', m.name, 'pause');
  logs.length = 0;
  const t0 = Date.now();
  await c.stop(ctx);
  expect(Date.now() - t0).toBeLessThan(4000);
  expect(await host.state(m.name)).toBe('poweroff');
  expect(host.sim.calls().filter((l) => l.includes(` ${m.name} `) && l.startsWith('VBoxManage controlvm')).slice(-1)).toEqual([`VBoxManage controlvm ${m.name} poweroff`]);
}, 60_000);

test("headless = false starts the VirtualBox window: without a display VBoxManage's own words fail the start", async () => {
  const m = await host.machine();
  const c = container(m, { headless: false });
  const e = await c.start(ctxOf(c, (argv, o) => host.exec(argv, { ...o, env: { ...o?.env, DISPLAY: '' } }))).catch((x: unknown) => x);
  expect(e).toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining(`VBoxManage startvm ${m.name} failed with exit 1: VBoxManage: error: The virtual machine '${m.name}' has terminated unexpectedly during startup`) });
  expect(host.sim.calls()).toContain(`VBoxManage startvm ${m.name}`);
  expect(await host.state(m.name)).toBe('poweroff');
}, 30_000);

test('a guest whose host key the node does not know fails the start at once, not after start_timeout', async () => {
  const m = await host.machine();
  const c = container(m, { start_timeout: 60 });
  const empty = join(root, 'empty_known_hosts');
  await writeFile(empty, '');
  const strangers = new SshSessions({ ...host.ssh.defaults, knownHosts: empty });
  const t0 = Date.now();
  await expect(c.start(ctxOf(c, host.exec, strangers))).rejects.toMatchObject({ code: 'HostKeyUnknown' });
  expect(Date.now() - t0).toBeLessThan(20_000);
  await strangers.close();
  await c.stop(ctxOf(c));
}, 60_000);

test('teleport: prechecks, a refused teleport leaves the machine here, a teleport keeps the guest running (no reboot) on the peer', async () => {
  const m = await host.machine();
  const c = container(m);
  const ctx = ctxOf(c);
  const peer = await host.peer(m, 'hv2');
  const to = { node: 'hv2', exec: peer.exec };
  await expect(c.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'MigrationUnsupported' });
  await c.start(ctx);
  const pid = (await ctx.guest(['sh', '-c', 'sleep 300 >/dev/null 2>&1 & echo $!'])).stdout.trim();
  // hv3 does not answer: VBoxManage's words fail the migration, the machine still runs here and the target stops waiting.
  await expect(c.migrate!(ctx, { node: 'hv3', exec: peer.exec })).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('VERR_NET_CONNECTION_REFUSED') });
  expect([await host.state(m.name), await peer.state(m.name)]).toEqual(['running', 'poweroff']);
  await c.precheckMigration!(ctx, to);
  logs.length = 0;
  await c.migrate!(ctx, to);
  expect(logs).toEqual([`info: VBoxManage controlvm ${m.name} teleport --host hv2 --port 6000`]);
  // Real VirtualBox leaves the source `teleported`: an off state, down, and a stop there has nothing to do.
  expect([await host.state(m.name), await peer.state(m.name)]).toEqual(['teleported', 'running']);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [`info: machine ${m.name} is teleported (VBoxManage): teleported to another host and powered off here: the guest runs there`] });
  await c.stop(ctx);
  expect((await ctx.guest(['kill', '-0', pid])).code).toBe(0);
  await expect(c.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'MigrationUnsupported' });
  // Back the other way: the machine here was left teleported, an off state that can receive it (refused before as "teleported on hv1").
  await c.precheckMigration!(ctxOf(c, peer.exec), { node: 'hv1', exec: host.exec });
  // On the peer the machine stays a teleporter target: its next cold start there turns that off first.
  const there = ctxOf(c, peer.exec);
  await c.stop(there);
  await c.start(there);
  expect(logs).toContain(`info: VBoxManage modifyvm ${m.name} --teleporter off`);
  expect(await peer.state(m.name)).toBe('running');
  await c.stop(there);
}, 90_000);

test('an OpenSVC container.vbox section validates with these keywords, typed', () => {
  const opensvc = { name: 'vm1', hostname: 'vm1.example.com', headless: 'false', start_timeout: '4m', stop_timeout: '120', osvc_root_path: '/opt/opensvc', guestos: 'windows', promote_rw: 'false', scsireserv: 'false', no_preempt_abort: 'true' };
  const parsed = Object.fromEntries(Object.entries(opensvc).map(([k, v]) => [k, driver.keywords.find((s) => s.name === k)?.schema.parse(v) ?? `unknown keyword ${k}`]));
  expect(parsed).toMatchObject({ headless: false, start_timeout: 240, guestos: 'windows', no_preempt_abort: true });
  expect(Object.values(parsed).filter((v) => String(v).startsWith('unknown keyword'))).toEqual([]);
});
