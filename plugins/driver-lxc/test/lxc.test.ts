// The LXC driver against real busybox containers.
import { isCapsuleError, isContainerResource, systemClock, type ContainerContext, type ContainerResource, type Exec } from '@capsule/core';
import { TestContainers, type TestContainer } from '@capsule/testenv';
import { guestExec, localExec } from '@capsule/transport';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import driver from '../src/index.js';

const lxc = new TestContainers();
let ct: TestContainer;
let dir: string;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** The context the engine gives a container: the host's exec and the guest channel the container declares. */
function contextOf(c: ContainerResource, exec: Exec = localExec): ContainerContext {
  return { exec, dryRun: false, force: false, log: quiet, clock: systemClock, signal: new AbortController().signal, guest: guestExec(c.guestChannel(), exec) };
}

beforeAll(async () => {
  ct = await lxc.create({ bridge: await lxc.bridge(), agent: false });
  dir = await mkdtemp(join(tmpdir(), 'capsule-lxct-'));
});
afterAll(async () => {
  await lxc.dispose();
  await rm(dir, { recursive: true, force: true });
});

function container(name = ct.name, extra: Record<string, unknown> = {}): ContainerResource {
  const r = driver.create({
    rid: 'container#0',
    svcname: 's',
    nodename: 'hv1',
    config: { name, lxcpath: ct.lxcpath, start_timeout: 20, stop_timeout: 1, ...extra },
    env: {},
    root: '/',
    service: { nodes: ['hv1'], drpnodes: [], encapnodes: [name] },
    settings: { values: {}, secret: () => Promise.reject(new Error('none')) },
  });
  if (!isContainerResource(r)) throw new Error('the lxc driver must create a container resource');
  return r;
}

const hostLinks = async () => (await localExec(['ip', '-o', 'link', 'show', 'type', 'veth'])).stdout;

test('start, commands through its guest channel, stop, with no veth left behind', async () => {
  const c = container();
  const ctx = contextOf(c);
  expect([c.label(), c.guestName, c.guestChannel()]).toEqual([ct.name, ct.name, { kind: 'native', prefix: ['lxc-attach', '-n', ct.name, '-P', ct.lxcpath, '--clear-env', '--'] }]);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [] });
  await c.start(ctx);
  expect((await c.status(ctx)).status).toBe('up');
  await c.start(ctx);

  const r = await ctx.guest(['hostname']);
  expect(r).toEqual({ code: 0, stdout: `${ct.name}\n`, stderr: '' });
  // The host environment does not leak into the guest.
  expect((await ctx.guest(['sh', '-c', 'echo "[$CAPSULE_ROOT]"'])).stdout).toBe('[]\n');
  expect((await ctx.guest(['cat'], { input: 'via stdin' })).stdout).toBe('via stdin');
  expect((await ctx.guest(['sh', '-c', 'cat > /tmp/copied.conf'], { input: '[DEFAULT]\nnodes = x\n' })).code).toBe(0);
  expect(await readFile(join(ct.rootfs, 'tmp/copied.conf'), 'utf8')).toBe('[DEFAULT]\nnodes = x\n');

  const link = /^Link:\s+(\S+)/m.exec((await localExec(['lxc-info', '-P', ct.lxcpath, '-n', ct.name])).stdout)?.[1];
  expect(link).toBeTruthy();
  expect(await hostLinks()).toContain(link);
  await c.stop(ctx);
  expect((await c.status(ctx)).status).toBe('down');
  expect(await hostLinks()).not.toContain(link);
  await c.stop(ctx);
  expect(c.replicatedFiles!()).toEqual([join(ct.lxcpath, ct.name, 'config')]);
});

test('a container that does not exist is down with a warning; start is a named error', async () => {
  const c = container('capsule-t-nothere');
  const ctx = contextOf(c);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [`warn: container capsule-t-nothere does not exist in ${ct.lxcpath}`] });
  await expect(c.start(ctx)).rejects.toMatchObject({ code: 'ContainerNotFound', hint: expect.stringContaining('lxc-create') });
});

test('missing LXC tools are a named error with the package to install', async () => {
  const c = container();
  const noLxc = contextOf(c, (argv, o) => localExec(argv, { ...o, env: { PATH: '/nonexistent' } }));
  try {
    await c.status(noLxc);
    throw new Error('no error');
  } catch (e) {
    if (!isCapsuleError(e)) throw e;
    expect(e.code).toBe('CommandNotFound');
    expect(e.message).toBe('container#0: lxc-info is not installed on this node');
    expect(e.hint).toContain('apt-get install lxc');
  }
});

test('a container killed under us is reported down', async () => {
  const c = container();
  const ctx = contextOf(c);
  await c.start(ctx);
  await localExec(['lxc-stop', '-P', ct.lxcpath, '-n', ct.name, '-k']);
  expect((await c.status(ctx)).status).toBe('down');
});

test('the rootfs keyword starts the container on another root filesystem', async () => {
  const alt = join(dir, 'altroot');
  expect((await localExec(['cp', '-a', ct.rootfs, alt])).code).toBe(0);
  await writeFile(join(alt, 'only-in-alt'), '');
  const c = container(ct.name, { rootfs: alt });
  const ctx = contextOf(c);
  await c.start(ctx);
  try {
    expect((await ctx.guest(['test', '-e', '/only-in-alt'])).code).toBe(0);
  } finally {
    await c.stop(ctx);
  }
});

test('a frozen container: status warns with FROZEN, start thaws it (lxc-start would refuse it), stop thaws then halts it', async () => {
  const c = container();
  const ctx = contextOf(c);
  await c.start(ctx);
  const lxcInfo = async () => (await localExec(['lxc-info', '-n', ct.name, '-P', ct.lxcpath, '-s', '-H'])).stdout.trim();
  expect((await localExec(['lxc-freeze', '-n', ct.name, '-P', ct.lxcpath])).code).toBe(0);
  expect(await c.status(ctx)).toMatchObject({ status: 'warn', log: [expect.stringContaining('FROZEN')] });
  await c.start(ctx);
  expect([await lxcInfo(), (await ctx.guest(['true'])).code]).toEqual(['RUNNING', 0]);
  expect((await localExec(['lxc-freeze', '-n', ct.name, '-P', ct.lxcpath])).code).toBe(0);
  await c.stop(ctx);
  expect([await lxcInfo(), (await c.status(ctx)).status]).toEqual(['STOPPED', 'down']);
});
