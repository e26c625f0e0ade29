// The srp driver against the srp simulator: the exact commands, a capsule
// agent answering inside the container through srp_su, the exchange file
// for replication, and all of it through a real OpenSSH HP-UX host.
import { REPO_ROOT, SimulatedDriverTest, simulatorBin } from '@capsule/testenv';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SimHost } from '../../../tooling/simulators/remote-kit/lib/fixture.mjs';
import driver from '../src/index.js';

const t = new SimulatedDriverTest(driver, simulatorBin('srp'));
beforeAll(() => t.setup(), 30_000);
afterAll(() => t.dispose());

const hpuxHost = () => t.host(SimHost.create('capsule-sim-srp-'));
let n = 0;

/** A stopped container whose root holds a capsule agent and a service for it. */
function container(h: SimHost): { name: string; rootpath: string } {
  const name = `srp${++n}`;
  const rootpath = join(h.dir, 'roots', name);
  mkdirSync(join(rootpath, 'usr/bin'), { recursive: true });
  mkdirSync(join(rootpath, 'etc/capsule'), { recursive: true });
  writeFileSync(join(rootpath, 'usr/bin/svcmgr'), `#!/bin/sh\nexec ${process.execPath} ${REPO_ROOT}/apps/cli/dist/bin/svcmgr.js "$@"\n`, { mode: 0o755 });
  writeFileSync(join(rootpath, 'etc/capsule/inner.conf'), `[DEFAULT]\nnodes = ${name}\n\n[app#1]\nscript = /bin/true\n`);
  h.define(name, { state: 'stopped', rootpath, ip: '198.51.100.31', kill_grace: 3 });
  return { name, rootpath };
}

test('the manifest: remote-managed, a native channel, a capsule agent in the guest, no live migration', async () => {
  const m = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
  expect(m.capsule).toEqual({ apiVersion: 2, provides: ['container.srp'], platforms: ['any'], keywords: './keywords', capabilities: { liveMigrate: false, guestChannel: 'native', agentless: false, remoteManaged: true } });
  expect(driver.keywords.map((k) => k.name)).toEqual(expect.arrayContaining(['name', 'hostname', 'prm_cores', 'ip', 'start_timeout', 'stop_timeout', 'osvc_root_path', 'guestos', 'mgmt_host']));
});

test('start, the agent inside answers as the guest, export saved for replication, stop: the exact commands', async () => {
  const h = hpuxHost();
  const s = container(h);
  const c = t.container({ name: s.name, start_timeout: 10 });
  expect(c.guestChannel()).toEqual({ kind: 'native', prefix: ['srp_su', s.name, 'root', '-c', 'exec "$0" "$@"'] });
  const ctx = t.context(c, t.exec(h));
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [] });
  // A dry run says what it would run and changes nothing.
  t.logs.length = 0;
  await c.start({ ...ctx, dryRun: true });
  expect([t.logs, h.guest(s.name)?.['state']]).toEqual([[`info: srp -start ${s.name}`], 'stopped']);
  await c.start(ctx);
  expect(await c.status(ctx)).toEqual({ status: 'up', log: [] });
  // Words with spaces and quotes survive srp_su's shell.
  expect((await ctx.guest(['printf', '%s|', "it's", 'a b', '$HOME'])).stdout).toBe("it's|a b|$HOME|");
  const status = await ctx.guest(['svcmgr', '-s', 'inner', 'json', 'status']);
  expect(status.code).toBe(0);
  expect(JSON.parse(status.stdout)).toMatchObject({ svcname: 'inner', nodename: s.name, avail: 'up' });
  // The agent used the container's root: its state is there.
  expect(existsSync(join(s.rootpath, 'var/lib/capsule/inner/status.json'))).toBe(true);
  expect(c.replicatedFiles!()).toEqual([join(t.root, 'var/lib/capsule/s/srp', `${s.name}.xml`)]);
  expect(await readFile(c.replicatedFiles!()[0]!, 'utf8')).toContain('<variable name="ip_address" value="198.51.100.31"/>');
  await c.stop(ctx);
  expect(h.guest(s.name)?.['state']).toBe('stopped');
  expect((await ctx.guest(['true'])).stderr).toMatch(/srp_su is allowed only in a started container/);
  const calls = h.calls().filter((l) => !l.startsWith('srp -status') && !l.startsWith('srp_su'));
  expect(calls.map((l) => l.replace(/capsule-srp-\S+\.xml/, 'TMP'))).toEqual([`srp -start ${s.name}`, `srp -batch -export ${s.name} -xfile /var/tmp/TMP`, `srp -batch -export ${s.name} -xfile /var/tmp/TMP`, `srp -stop ${s.name}`]);
}, 60_000);

test('a container in maintenance is not started; a refused start carries srp’s words', async () => {
  const h = hpuxHost();
  const s = container(h);
  h.define(s.name, { state: 'maintenance', rootpath: s.rootpath });
  const c = t.container({ name: s.name });
  await expect(c.start(t.context(c, t.exec(h)))).rejects.toMatchObject({ code: 'ContainerActionFailed', hint: expect.stringContaining('software installation') });
  h.define(s.name, { state: 'stopped', rootpath: s.rootpath });
  h.fault('denied', '', s.name);
  await expect(c.start(t.context(c, t.exec(h)))).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('Permission denied') });
});

test('through a real OpenSSH HP-UX host: srp and srp_su run there, the agent answers from the container', async () => {
  const h = hpuxHost();
  const s = container(h);
  h.fault('ignore-shutdown', '', s.name);
  const hpux = await t.managementHost(h);
  const c = t.container({ name: s.name, start_timeout: 10, stop_timeout: 1 }, { host: hpux.address, user: 'root' });
  expect(c.managedFrom!()).toEqual({ host: hpux.address, user: 'root' });
  // What the engine does: ctx.exec, and so the native channel, are ssh sessions on the HP-UX host.
  const ctx = t.context(c, hpux.exec);
  await c.start(ctx);
  expect((await ctx.guest(['sh', '-c', 'echo "$CAPSULE_NODENAME"; ip -o -4 addr show dev eth0'])).stdout).toMatch(new RegExp(`^${s.name}\\n.*${hpux.address.replace(/\./g, '\\.')}/30`, 's'));
  expect(JSON.parse((await ctx.guest(['svcmgr', '-s', 'inner', 'json', 'status'])).stdout)).toMatchObject({ nodename: s.name });
  t.logs.length = 0;
  await c.stop(ctx);
  expect(await c.status(ctx)).toEqual({ status: 'down', log: [] });
  // Run level 0 outlasted stop_timeout: warned, then srp -stop terminated the rest.
  expect(t.logs).toContainEqual(expect.stringMatching(/^warn: .* did not shut down within 1s/));
}, 60_000);
