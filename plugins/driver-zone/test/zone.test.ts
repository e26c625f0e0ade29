// The zone driver beyond the conformance suite, on the zones simulator: a
// real capsule agent answering in the zone through zlogin, argument
// boundaries through zlogin's joined command line, detach and the exported
// configuration a peer starts the zone from, status words, the tool's words.
import { isContainerResource, type ContainerContext, type ContainerResource, type Exec } from '@capsule/core';
import { testContainerContext, testInit } from '@capsule/testenv';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installAgent } from '../../../tooling/simulators/guest-kit/lib/fixture.mjs';
import driver from '../src/index.js';
import { STATES } from '../src/state.js';
import { ZoneHost } from './fixture.js';

const host = new ZoneHost();
let root: string;
const logs: string[] = [];
const log = { info: (m: string) => logs.push(`info: ${m}`), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-zone-hv-'));
});
afterAll(async () => {
  host.dispose();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  logs.length = 0;
});

function container(name: string, extra: Record<string, unknown> = {}): ContainerResource {
  const r = driver.create(testInit('container#0', { name, start_timeout: 10, stop_timeout: 5, delete_on_stop: false, ...extra }, { svcname: 'web', root }));
  if (!isContainerResource(r)) throw new Error('the zone driver must create a container resource');
  return r;
}

const ctxOf = (c: ContainerResource, exec: Exec = host.exec): ContainerContext => testContainerContext(c, exec, log);

test('a capsule agent in the zone answers as the zone: config pushed on stdin, start, status', async () => {
  const z = await host.zone();
  installAgent(z.root);
  const c = container(z.name);
  const ctx = ctxOf(c);
  await c.start(ctx);

  const conf = `[DEFAULT]\nnodes = {nodename}\n\n[app#1]\nscript = shop\n`;
  const push = await ctx.guest(['svcmgr', '-s', 'web', 'create', '--config', '-', '--format', 'json'], { input: conf });
  expect([push.code, push.stderr]).toEqual([0, '']);
  expect(await readFile(join(z.root, 'etc/capsule/web.conf'), 'utf8')).toBe(conf);
  const nodes = await ctx.guest(['svcmgr', '-s', 'web', 'get', '--param', 'nodes', '--eval', '--format', 'json']);
  expect(JSON.parse(nodes.stdout)).toEqual([z.name]);
  expect((await ctx.guest(['svcmgr', '-s', 'web', 'start'])).code).toBe(0);
  expect(existsSync(join(z.root, 'shop.up'))).toBe(true);
  const status = await ctx.guest(['svcmgr', '-s', 'web', 'json', 'status']);
  expect(JSON.parse(status.stdout)).toMatchObject({ avail: 'up', resources: { 'app#1': { status: 'up' } } });
  // An agent missing from the zone is exit 127 through the channel, as the engine expects.
  expect((await ctx.guest(['capsule-no-such-command'])).code).toBe(127);
  await c.stop(ctx);
}, 120_000);

test("arguments keep their boundaries through zlogin's joined command line", async () => {
  const z = await host.zone();
  const c = container(z.name);
  const ctx = ctxOf(c);
  await c.start(ctx);
  const args = ["it's", 'two  spaces', '$HOME', 'back\\slash', 'semi;colon', '"quoted"', 'trailing newline\n', ''];
  const r = await ctx.guest(['printf', '<%s>\\n', ...args]);
  expect(r.stdout).toBe(args.map((a) => `<${a}>\n`).join(''));
  // zlogin as a user would type it: the words are joined, the zone's shell splits them again.
  expect(host.sim.calls().find((l) => l.startsWith(`zlogin -S ${z.name} `) && l.includes("'printf'"))).toMatch(/'<%s>\\n' 'it'\\''s' 'two {2}spaces' '\$HOME'/);
  await c.stop(ctx);
}, 60_000);

test('start waits for the multi-user-server milestone, not just the boot', async () => {
  const z = await host.zone();
  host.sim.flag(z.name, 'boot-delay', '2');
  const c = container(z.name);
  const ctx = ctxOf(c);
  const t0 = Date.now();
  await c.start(ctx);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
  expect((await ctx.guest(['svcs', '-H', '-o', 'state', 'svc:/milestone/multi-user-server:default'])).stdout).toBe('online\n');
  await c.stop(ctx);
}, 60_000);

test('stop shuts down and detaches, exporting the configuration; a peer without the zone starts it from that file', async () => {
  const z = await host.zone();
  const c = container(z.name);
  const ctx = ctxOf(c);
  await c.start(ctx);
  await c.stop(ctx);
  expect(await host.state(z.name)).toBe('configured');
  expect(logs.filter((l) => l.startsWith('warn'))).toEqual([]);
  expect(host.sim.calls().filter((l) => l.startsWith(`zoneadm -z ${z.name} `) && / (shutdown|halt|detach)$/.test(l))).toEqual([`zoneadm -z ${z.name} shutdown`, `zoneadm -z ${z.name} detach`]);
  const [file] = c.replicatedFiles!();
  expect(file).toBe(join(root, 'var/lib/capsule/web/zonecfg', `${z.name}.cfg`));
  const exported = await readFile(file!, 'utf8');
  expect(exported).toContain(`set zonepath=${join(z.root, '..')}`);
  expect(exported).toContain('set physical=net0');

  // The peer: another host that never saw the zone, its zonepath on the shared storage, the export replicated.
  const peer = new ZoneHost();
  try {
    const there = ctxOf(c, peer.exec);
    expect(await c.status(there)).toEqual({ status: 'down', log: [`warn: no zone ${z.name} is configured on this node`] });
    await c.start(there);
    expect(await peer.state(z.name)).toBe('running');
    const changes = peer.sim.calls().filter((l) => !/ list -p$| export$| svcs /.test(l) && !l.startsWith('zlogin'));
    expect(changes).toEqual([`zonecfg -z ${z.name} -f ${file}`, `zoneadm -z ${z.name} attach`, `zoneadm -z ${z.name} boot`]);
    await c.stop(there);
  } finally {
    peer.dispose();
  }
}, 90_000);

test('delete_on_stop: the zone is unconfigured after stop, down without a warning, and configured again on start', async () => {
  const z = await host.zone();
  const c = container(z.name, { delete_on_stop: true });
  const ctx = ctxOf(c);
  await c.start(ctx);
  await c.stop(ctx);
  expect(await host.state(z.name)).toBe('MISSING');
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [] });
  await c.start(ctx);
  expect(await host.state(z.name)).toBe('running');
  await c.stop(ctx);
}, 90_000);

test.each([
  ['ready', ['ready'], { status: 'warn', log: [`warn: zone NAME is ready: ${STATES.find((r) => r.word === 'ready')!.why}`] }],
  ['shutting_down', ['boot', 'shutdown'], { status: 'warn', log: [`warn: zone NAME is shutting_down: ${STATES.find((r) => r.word === 'shutting_down')!.why}`] }],
  ['installed', [], { status: 'down', log: [] }],
])('status of a %s zone: %j', async (_, steps, expected) => {
  const z = await host.zone();
  host.sim.flag(z.name, 'shutdown-delay', '60');
  for (const s of steps) await host.run('zoneadm', '-z', z.name, s);
  const c = container(z.name);
  const s = await c.status(ctxOf(c));
  expect(s).toEqual({ ...expected, log: expected.log.map((l) => l.replace('NAME', z.name)) });
  await host.run('zoneadm', '-z', z.name, steps.length ? 'halt' : 'ready');
}, 60_000);

test('a ready zone is halted at once on stop, then detached', async () => {
  const z = await host.zone();
  await host.run('zoneadm', '-z', z.name, 'ready');
  const c = container(z.name, { stop_timeout: 30 });
  const t0 = Date.now();
  await c.stop(ctxOf(c));
  expect(Date.now() - t0).toBeLessThan(15_000);
  expect(await host.state(z.name)).toBe('configured');
  expect(logs.filter((l) => l.startsWith('warn'))).toEqual([]);
  expect(host.sim.calls().filter((l) => l.startsWith(`zoneadm -z ${z.name} `) && !/ (list -p|install)$/.test(l))).toEqual([`zoneadm -z ${z.name} ready`, `zoneadm -z ${z.name} halt`, `zoneadm -z ${z.name} detach`]);
}, 60_000);

test('a zone halted halfway (down) is halted at once on stop, not after stop_timeout, then detached', async () => {
  const z = await host.zone();
  await host.run('zoneadm', '-z', z.name, 'boot');
  host.put(z.name, 'down');
  const c = container(z.name, { stop_timeout: 30 });
  const t0 = Date.now();
  await c.stop(ctxOf(c));
  expect(Date.now() - t0).toBeLessThan(15_000);
  expect(await host.state(z.name)).toBe('configured');
  expect(host.sim.calls().filter((l) => l.startsWith(`zoneadm -z ${z.name} `) && / (shutdown|halt|detach)$/.test(l))).toEqual([`zoneadm -z ${z.name} halt`, `zoneadm -z ${z.name} detach`]);
}, 60_000);

test('a kernel zone whose zonepath holds a colon (zoneadm prints it escaped) is still read as a kernel zone', async () => {
  const kz = await host.zone({ brand: 'solaris-kz', zonepathPrefix: 'capsule-filer:vol-' });
  const c = container(kz.name);
  const ctx = ctxOf(c);
  await c.start(ctx);
  const peer = host.peer('hv9');
  await c.precheckMigration!(ctx, { node: 'hv9', exec: peer.exec });
  await c.stop(ctx);
}, 60_000);

test("zoneadm's own words when it refuses, and a dry run that changes nothing", async () => {
  const z = await host.zone();
  const c = container(z.name);
  host.sim.fault('boot', 'denied once', z.name);
  await expect(c.start(ctxOf(c))).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining("zoneadm: zone '" + z.name + "': only a privileged user may boot a zone.") });
  expect(await host.state(z.name)).toBe('installed');
  await c.start({ ...ctxOf(c), dryRun: true });
  expect(await host.state(z.name)).toBe('installed');
  expect(logs).toContain(`info: zoneadm -z ${z.name} boot`);
});

test("live migration: kernel zones only, zoneadm's dry run first, the zone runs on the peer without a reboot and is detached here", async () => {
  const peer = host.peer('hv2');
  const to = { node: 'hv2', exec: peer.exec };
  const plain = await host.zone();
  const c1 = container(plain.name);
  await c1.start(ctxOf(c1));
  await expect(c1.precheckMigration!(ctxOf(c1), to)).rejects.toMatchObject({ code: 'MigrationUnsupported', message: expect.stringContaining('only kernel zones (solaris-kz) migrate live') });
  await c1.stop(ctxOf(c1));

  const kz = await host.zone({ brand: 'solaris-kz' });
  const c = container(kz.name);
  const ctx = ctxOf(c);
  await expect(c.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'MigrationUnsupported' });
  await c.start(ctx);
  // A destination that does not answer fails the dry run, in zoneadm's words.
  await expect(c.precheckMigration!(ctx, { node: 'hv3', exec: peer.exec })).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('Failed to connect to ssh://hv3') });
  await c.precheckMigration!(ctx, to);
  expect(await peer.state(kz.name)).toBe('MISSING');
  const bootedAt = host.sim.record(kz.name)!['bootedAt'];
  await c.migrate!(ctx, to);
  expect([await host.state(kz.name), await peer.state(kz.name)]).toEqual(['configured', 'running']);
  expect(peer.sim.record(kz.name)!['bootedAt']).toBe(bootedAt);
  expect(host.sim.calls()).toContain(`zoneadm -z ${kz.name} migrate -t live ssh://hv2`);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [] });
  const there = ctxOf(c, peer.exec);
  expect((await there.guest(['sh', '-c', 'echo $CAPSULE_NODENAME'])).stdout).toBe(`${kz.name}\n`);
  await c.stop(there);
}, 90_000);

test('an OpenSVC container.zone section validates with these keywords, typed', () => {
  const opensvc = { name: 'z1', hostname: 'z1.example.com', delete_on_stop: 'true', zonepath: '/zones/z1', container_origin: 'skelzone', rootfs: '/zones/z1/root', sc_profile: '/etc/sc.xml', ai_manifest: '/etc/ai.xml', brand: 'solaris', install_archive: '/a.uar', snap: 'rpool/zones/z1', snapof: 'rpool/zones/skel', start_timeout: '5m', stop_timeout: '90', osvc_root_path: '/opt/opensvc', guestos: 'unix', promote_rw: 'false', scsireserv: 'true', no_preempt_abort: 'false' };
  const parsed = Object.fromEntries(Object.entries(opensvc).map(([k, v]) => [k, driver.keywords.find((s) => s.name === k)?.schema.parse(v) ?? `unknown keyword ${k}`]));
  expect(parsed).toMatchObject({ delete_on_stop: true, start_timeout: 300, stop_timeout: 90, scsireserv: true, brand: 'solaris', zonepath: '/zones/z1' });
  expect(Object.values(parsed).filter((v) => String(v).startsWith('unknown keyword'))).toEqual([]);
});
