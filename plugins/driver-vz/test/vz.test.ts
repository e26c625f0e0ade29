// The vz driver's own behaviour on the vzctl simulator: a capsule agent
// answering inside through vzctl exec2, the commands run, the files
// replicated, vzctl's errors and migration.
import { isContainerResource, systemClock, type ContainerContext, type ContainerResource, type Exec } from '@capsule/core';
import { REPO_ROOT } from '@capsule/testenv';
import { guestExec, localExec } from '@capsule/transport';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import driver from '../src/index.js';
import { VzHosts, type VzGuest } from './fixture.js';

const vz = new VzHosts();
afterAll(() => vz.dispose());
const logs: string[] = [];
const log = { info: (m: string) => logs.push(`info: ${m}`), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };
beforeEach(() => (logs.length = 0));

function container(g: VzGuest, settings: Record<string, string> = {}): ContainerResource {
  const r = driver.create({
    rid: 'container#1',
    svcname: 's',
    nodename: 'hv1',
    config: { start_timeout: 10, stop_timeout: 10, ...g.section },
    env: {},
    root: '/',
    service: { nodes: ['hv1'], drpnodes: [], encapnodes: [] },
    settings: { values: { ...g.settings, ...settings }, secret: () => Promise.reject(new Error('none')) },
  });
  if (!isContainerResource(r)) throw new Error('a container resource');
  return r;
}

const contextOf = (c: ContainerResource, exec: Exec): ContainerContext => ({ exec, log, clock: systemClock, signal: new AbortController().signal, dryRun: false, force: false, guest: guestExec(c.guestChannel(), exec) });

const SVCMGR = join(REPO_ROOT, 'apps/cli/dist/bin/svcmgr.js');

beforeAll(async () => {
  // The agent that answers inside is this repository's build of the CLI.
  if (!existsSync(SVCMGR)) {
    const r = await localExec([process.execPath, 'bundle.mjs'], { cwd: join(REPO_ROOT, 'apps/cli') });
    if (r.code !== 0) throw new Error(`building apps/cli for the agent in the container failed: ${r.stderr}`);
  }
}, 60_000);

test('a capsule agent answers inside: its own CAPSULE_ROOT and node name, not the host’s', async () => {
  const g = vz.guest();
  const c = container(g);
  // The host's own agent settings must not leak into the container.
  const exec: Exec = (argv, o) => g.exec(argv, { ...o, env: { CAPSULE_ROOT: '/nonexistent/host-root', CAPSULE_NODENAME: 'hv1', ...o?.env } });
  const ctx = contextOf(c, exec);
  mkdirSync(join(g.root, 'usr/local/bin'), { recursive: true });
  writeFileSync(join(g.root, 'usr/local/bin/svcmgr'), `#!/bin/sh\nexec ${process.execPath} ${SVCMGR} "$@"\n`);
  chmodSync(join(g.root, 'usr/local/bin/svcmgr'), 0o755);
  mkdirSync(join(g.root, 'etc/capsule'), { recursive: true });
  writeFileSync(join(g.root, 'etc/capsule/web1.conf'), `[DEFAULT]\nnodes = ct${g.ctid}\n`);
  await c.start(ctx);
  const r = await ctx.guest(['svcmgr', '-s', 'web1', 'json', 'status', '--refresh']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ svcname: 'web1', nodename: `ct${g.ctid}` });
  expect(existsSync(join(g.root, 'var/lib/capsule/web1/status.json'))).toBe(true);
  // The guest's exit status is the command's (exec2), and its stdin reaches it.
  expect((await ctx.guest(['false'])).code).toBe(1);
  expect((await ctx.guest(['cat'], { input: '[DEFAULT]\n' })).stdout).toBe('[DEFAULT]\n');
  await c.stop(ctx);
}, 60_000);

test('the commands vzctl gets, the status words, the replicated config', async () => {
  const g = vz.guest();
  const c = container(g);
  const ctx = contextOf(c, g.exec);
  expect(c.replicatedFiles!()).toEqual([`${g.settings!['confdir']}/${g.ctid}.conf`]);
  expect(readFileSync(c.replicatedFiles!()[0]!, 'utf8')).toContain(`HOSTNAME="ct${g.ctid}"`);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [] });
  await c.start(ctx);
  expect(await c.status(ctx)).toEqual({ status: 'up', log: [] });
  await c.stop(ctx);
  expect(g.host.calls().filter((l) => !l.startsWith('vzctl status') && !l.startsWith('vzctl exec2'))).toEqual([`vzctl start ${g.ctid}`, `vzctl stop ${g.ctid}`]);
  expect(g.host.calls()).toContain(`vzctl exec2 ${g.ctid} true`);
  // exec2, like the real vzctl, hands the container's shell one line: arguments are joined.
  await c.start(ctx);
  expect((await ctx.guest(['echo', 'a   b'])).stdout).toBe('a b\n');
  await c.stop(ctx);
}, 60_000);

test('vzctl errors keep their words: a locked container, no permission, no OpenVZ kernel; start of a running one is fine', async () => {
  const g = vz.guest();
  const c = container(g);
  const ctx = contextOf(c, g.exec);
  g.host.fault('busy', g.ctid);
  await expect(c.start(ctx)).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining(`vzctl start ${g.ctid} failed with exit 9: Container already locked`) });
  g.host.clearFault('busy', g.ctid);
  g.host.fault('denied');
  await expect(c.status(ctx)).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('vzctl status') });
  g.host.clearFault('denied');
  g.host.fault('no-hypervisor');
  await expect(c.start(ctx)).rejects.toMatchObject({ code: 'HypervisorUnavailable', message: expect.stringContaining('/dev/vzctl'), hint: expect.stringContaining('vzdev') });
  g.host.clearFault('no-hypervisor');
  await g.exec(['vzctl', 'start', g.ctid]);
  await c.start(ctx);
  expect(g.host.calls().filter((l) => l === `vzctl start ${g.ctid}`)).toHaveLength(2);
  await c.stop(ctx);
}, 60_000);

test('migration: vzmigrate --online to [driver.vz] migrate_host; refused where the container exists; a failure is named', async () => {
  const g = vz.guest();
  const c = container(g, { migrate_host: '%n.vz' });
  const ctx = contextOf(c, g.exec);
  const there = vz.host();
  const to = { node: 'hv2', exec: vz.exec(there) };
  await expect(c.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'MigrationUnsupported' });
  await c.start(ctx);
  await expect(c.migrate!(ctx, to)).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining(`vzmigrate --online hv2.vz ${g.ctid} failed with exit 4`) });
  expect((await c.status(ctx)).status).toBe('up');
  // The same CTID on the destination, stopped then running.
  mkdirSync(there.path('etc/vz/conf'), { recursive: true });
  writeFileSync(there.path('etc/vz/conf', `${g.ctid}.conf`), readFileSync(c.replicatedFiles!()[0]!, 'utf8'));
  await expect(c.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'MigrationUnsupported', message: expect.stringContaining('exists on hv2') });
  await to.exec(['vzctl', 'start', g.ctid]);
  await expect(c.precheckMigration!(ctx, to)).rejects.toMatchObject({ code: 'GuestRunningElsewhere' });
  await to.exec(['vzctl', 'stop', g.ctid, '--fast']);
  await localExec(['rm', there.path('etc/vz/conf', `${g.ctid}.conf`)]);
  g.host.peer('hv2.vz', there);
  await c.precheckMigration!(ctx, to);
  await c.migrate!(ctx, to);
  expect([await g.isRunning(), there.guest(g.ctid)?.['state']]).toEqual([false, 'running']);
  expect(existsSync(there.path('etc/vz/conf', `${g.ctid}.conf`))).toBe(true);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [`warn: container ${g.ctid} is deleted unmounted down (vzctl status): no such container (no CTID.conf or private area): start fails`] });
}, 60_000);

test('--dry-run says what it would run and runs nothing but vzctl status', async () => {
  const g = vz.guest();
  const c = container(g);
  const dry = { ...contextOf(c, g.exec), dryRun: true };
  await c.start(dry);
  expect([await g.isRunning(), logs]).toEqual([false, [`info: vzctl start ${g.ctid}`]]);
  await c.start(contextOf(c, g.exec));
  await c.stop(dry);
  expect(await g.isRunning()).toBe(true);
  expect(g.host.calls().filter((l) => !l.startsWith('vzctl status') && !l.startsWith('vzctl exec2'))).toEqual([`vzctl start ${g.ctid}`]);
  await c.stop(contextOf(c, g.exec));
}, 60_000);
