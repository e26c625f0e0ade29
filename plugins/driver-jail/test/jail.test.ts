// The jail driver beyond the conformance suite, on the jail simulator: a
// real capsule agent answering in the jail through jexec, the jail -c
// parameters OpenSVC files carry, rc.shutdown before removal, jail(8)'s words.
import { isContainerResource, type ContainerContext, type ContainerResource } from '@capsule/core';
import { testContainerContext, testInit } from '@capsule/testenv';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { installAgent } from '../../../tooling/simulators/guest-kit/lib/fixture.mjs';
import driver from '../src/index.js';
import { JailHost } from './fixture.js';

const host = new JailHost();
const logs: string[] = [];
const log = { info: (m: string) => logs.push(`info: ${m}`), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };

afterAll(() => host.dispose());
beforeEach(() => {
  logs.length = 0;
});

function container(config: Record<string, unknown>): ContainerResource {
  const r = driver.create(testInit('container#0', { start_timeout: 10, stop_timeout: 5, ...config }));
  if (!isContainerResource(r)) throw new Error('the jail driver must create a container resource');
  return r;
}

const ctxOf = (c: ContainerResource): ContainerContext => testContainerContext(c, host.exec, log);

test('a capsule agent in the jail answers as the jail: config pushed on stdin, start, status', async () => {
  const j = host.root();
  installAgent(j.root);
  const c = container({ name: j.name, hostname: 'web-jail', jailroot: j.root });
  const ctx = ctxOf(c);
  await c.start(ctx);
  const conf = `[DEFAULT]\nnodes = {nodename}\n\n[app#1]\nscript = shop\n`;
  const push = await ctx.guest(['svcmgr', '-s', 'web', 'create', '--config', '-', '--format', 'json'], { input: conf });
  expect([push.code, push.stderr]).toEqual([0, '']);
  expect(JSON.parse((await ctx.guest(['svcmgr', '-s', 'web', 'get', '--param', 'nodes', '--eval', '--format', 'json'])).stdout)).toEqual(['web-jail']);
  expect((await ctx.guest(['svcmgr', '-s', 'web', 'start'])).code).toBe(0);
  expect(existsSync(join(j.root, 'shop.up'))).toBe(true);
  expect(JSON.parse((await ctx.guest(['svcmgr', '-s', 'web', 'json', 'status'])).stdout)).toMatchObject({ avail: 'up' });
  await c.stop(ctx);
}, 120_000);

test("jail -c gets OpenSVC's parameters; jls shows the addresses; hostname is the guest's node name", async () => {
  const j = host.root();
  const c = container({ name: j.name, hostname: 'db1', jailroot: j.root, ips: ['198.51.100.7', '198.51.100.8'], ip6s: ['2001:db8::7'] });
  expect([c.guestName, c.label(), c.guestChannel(), c.replicatedFiles!()]).toEqual(['db1', j.name, { kind: 'native', prefix: ['jexec', '-l', j.name] }, []]);
  const ctx = ctxOf(c);
  await c.start(ctx);
  expect(logs[0]).toBe(`info: jail -c name=${j.name} path=${j.root} host.hostname=db1 ip4.addr=198.51.100.7,198.51.100.8 ip6.addr=2001:db8::7 persist command=/bin/sh /etc/rc`);
  const listed = JSON.parse((await host.exec(['jls', '--libxo', 'json', '-v', '-j', j.name])).stdout) as { 'jail-information': { jail: Record<string, unknown>[] } };
  expect(listed['jail-information'].jail[0]).toMatchObject({ name: j.name, hostname: 'db1', path: j.root, ipv4_addrs: ['198.51.100.7', '198.51.100.8'], ipv6_addrs: ['2001:db8::7'] });
  expect((await ctx.guest(['sh', '-c', 'echo $CAPSULE_NODENAME'])).stdout).toBe('db1\n');
  await c.stop(ctx);
}, 60_000);

test("stop runs the jail's rc.shutdown, then removes the jail; a failing rc.shutdown is a warning", async () => {
  const j = host.root({ rcShutdown: 'touch "$CAPSULE_ROOT/shut"; exit 3' });
  const c = container({ name: j.name, jailroot: j.root });
  const ctx = ctxOf(c);
  await c.start(ctx);
  await c.stop(ctx);
  expect(existsSync(join(j.root, 'shut'))).toBe(true);
  expect(await host.running(j.name)).toBe(false);
  expect(logs.filter((l) => l.startsWith('warn'))).toEqual([`warn: /etc/rc.shutdown in jail ${j.name} failed with exit 3: no output`]);
  const calls = host.sim.calls().filter((l) => l.includes(j.name) && !l.startsWith('jls'));
  expect(calls.slice(-2)).toEqual([`jexec -l ${j.name} /bin/sh /etc/rc.shutdown`, `jail -r ${j.name}`]);
}, 60_000);

test("a failing /etc/rc fails the start with jail(8)'s words and leaves no jail", async () => {
  const j = host.root({ rc: 'echo "rc: cannot mount /usr" >&2; exit 1' });
  const c = container({ name: j.name, jailroot: j.root });
  await expect(c.start(ctxOf(c))).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining(`jail: ${j.name}: /bin/sh /etc/rc: failed`) });
  expect(await host.running(j.name)).toBe(false);
}, 30_000);

test('status: up while the jail exists, down when removed, a warning when its root is gone', async () => {
  const j = host.root();
  const c = container({ name: j.name, jailroot: j.root });
  const ctx = ctxOf(c);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [] });
  await host.exec(['jail', '-c', `name=${j.name}`, `path=${j.root}`, 'persist']);
  expect(await c.status(ctx)).toEqual({ status: 'up', log: [] });
  await host.exec(['jail', '-r', j.name]);
  const gone = container({ name: j.name, jailroot: join(j.root, 'nonexistent') });
  expect(await gone.status(ctx)).toEqual({ status: 'down', log: [`warn: the root of jail ${j.name}, ${join(j.root, 'nonexistent')}, does not exist`] });
  // A dry run says what it would run and runs nothing.
  await c.start({ ...ctx, dryRun: true });
  expect(await host.running(j.name)).toBe(false);
  expect(logs).toContain(`info: jail -c name=${j.name} path=${j.root} host.hostname=${j.name} persist command=/bin/sh /etc/rc`);
}, 30_000);

test('an OpenSVC container.jail section validates with these keywords, typed', () => {
  const opensvc = { name: 'j1', hostname: 'j1.example.com', jailroot: '/jails/j1', ips: '198.51.100.5 198.51.100.6', ip6s: '2001:db8::5', start_timeout: '2m', stop_timeout: '30', osvc_root_path: '/opt/opensvc', guestos: 'unix', promote_rw: 'no', scsireserv: 'no', no_preempt_abort: 'no' };
  const parsed = Object.fromEntries(Object.entries(opensvc).map(([k, v]) => [k, driver.keywords.find((s) => s.name === k)?.schema.parse(v) ?? `unknown keyword ${k}`]));
  expect(parsed).toMatchObject({ ips: ['198.51.100.5', '198.51.100.6'], ip6s: ['2001:db8::5'], start_timeout: 120, promote_rw: false });
  expect(Object.values(parsed).filter((v) => String(v).startsWith('unknown keyword'))).toEqual([]);
  expect(driver.keywords.filter((k) => k.required).map((k) => k.name)).toEqual(['name', 'jailroot']);
});

test('a dying jail: warn; start makes a new jail of the name beside it (FreeBSD allows it), then it is up; stop leaves the dying one alone', async () => {
  const j = host.root();
  const c = container({ name: j.name, jailroot: j.root });
  const ctx = ctxOf(c);
  await c.start(ctx);
  host.sim.flag(j.name, 'linger');
  await host.exec(['jail', '-r', j.name]);
  expect(await c.status(ctx)).toMatchObject({ status: 'warn', log: [expect.stringContaining(`jail ${j.name} is DYING (jls)`)] });
  await c.start(ctx);
  expect(await c.status(ctx)).toEqual({ status: 'up', log: [] });
  const listed = JSON.parse((await host.exec(['jls', '-d', '--libxo', 'json', '-v'])).stdout) as { 'jail-information': { jail: { name: string; state: string }[] } };
  expect(listed['jail-information'].jail.filter((x) => x.name === j.name).map((x) => x.state)).toEqual(['DYING', 'ACTIVE']);
  await c.stop(ctx);
  expect(await c.status(ctx)).toMatchObject({ status: 'warn' });
  logs.length = 0;
  await c.stop(ctx);
  expect(logs).toEqual([]);
}, 60_000);
