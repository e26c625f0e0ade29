// The openstack driver against the OpenStack simulator, beyond the
// conformance suite: TLS and credentials as the node gives them, tokens
// kept until they expire, the catalog, Nova's name filter, the address Nova
// reports, Nova's refusals.
import { driverSettings } from '@capsule/config';
import { isContainerResource, skewedClock, type ContainerResource } from '@capsule/core';
import { testContainerContext, testInit, uniqueName, until } from '@capsule/testenv';
import { roundTrip } from '@capsule/sim-https';
import { localExec } from '@capsule/transport';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import driver from '../src/index.js';
import type { OpenstackConfig } from '../src/container.js';
import { OPENRC, OpenstackWorld } from './fixture.js';

const w = new OpenstackWorld();
beforeAll(() => w.setup(), 30_000);
afterAll(() => w.teardown(), 30_000);

const logs: string[] = [];
const log = { info: (m: string) => logs.push(`info: ${m}`), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };

function server(config: Partial<OpenstackConfig> & { name: string }, settings: Record<string, string> = w.settings()): ContainerResource {
  const r = driver.create(testInit('container#2', { ssh_port: 22, ssh_user: 'root', start_timeout: 10, stop_timeout: 5, ...config }, { root: w.dir, settings: driverSettings({ 'driver.openstack': settings }, 'openstack', w.dir) }));
  if (!isContainerResource(r)) throw new Error('not a container');
  return r;
}

const tokens = () => w.sim.requests.filter((r) => r === 'POST /identity/v3/auth/tokens').length;
/** Where tokens are kept across commands. */
const kept = () => join(w.dir, 'var/lib/capsule/driver.openstack');
const forgetTokens = () => rm(kept(), { recursive: true, force: true });

async function credentialsFile(name: string, text: string, mode: number): Promise<string> {
  const f = join(w.dir, name);
  await writeFile(f, text, { mode });
  return f;
}

test('a CA that did not sign Keystone’s certificate is refused with EndpointTlsFailed', async () => {
  const c = server({ name: 'x' }, w.settings({ ca_file: w.pki.otherCaFile }));
  await expect(c.status(testContainerContext(c))).rejects.toMatchObject({ code: 'EndpointTlsFailed', hint: expect.stringContaining('ca_file') });
});

test('an openrc others can read is refused before Keystone is asked; a wrong password is EndpointAuthFailed', async () => {
  await forgetTokens();
  const n = tokens();
  const open = await credentialsFile('openrc-644', OPENRC, 0o644);
  const c = server({ name: 'x' }, w.settings({ credentials_file: open }));
  await expect(c.status(testContainerContext(c))).rejects.toMatchObject({ code: 'SecretFileUnsafe' });
  expect(tokens()).toBe(n);
  const wrong = await credentialsFile('openrc-wrong', OPENRC.replace('s3cret pw', 'nope'), 0o600);
  const d = server({ name: 'x' }, w.settings({ credentials_file: wrong }));
  await expect(d.status(testContainerContext(d))).rejects.toMatchObject({ code: 'EndpointAuthFailed', message: expect.stringContaining('user capsule in project ha') });
  const empty = await credentialsFile('openrc-empty', '# nothing\n', 0o600);
  const e = server({ name: 'x' }, w.settings({ credentials_file: empty }));
  await expect(e.status(testContainerContext(e))).rejects.toMatchObject({ code: 'NodeConfigInvalid' });
});

test('an application credential, with OS_AUTH_URL from the file when node.conf has no url', async () => {
  const name = uniqueName('srv-', 20);
  w.sim.addServer({ name, project: 'ha' });
  const f = await credentialsFile('appcred', `OS_AUTH_URL=${w.sim.authUrl}\nOS_APPLICATION_CREDENTIAL_ID=ac-capsule\nOS_APPLICATION_CREDENTIAL_SECRET="app secret"\n`, 0o600);
  const c = server({ name }, { ...w.settings({ credentials_file: f }), url: '' });
  expect(await c.status(testContainerContext(c))).toEqual({ status: 'down', log: [] });
});

test('one token across commands (mode 0600) until it nears expires_at or is revoked; the compute endpoint of the chosen interface', async () => {
  const name = uniqueName('srv-', 20);
  w.sim.addServer({ name, project: 'ha' });
  await forgetTokens();
  const ctx = testContainerContext(server({ name }));
  const n = tokens();
  // Each command makes its resources anew: the next ones use the token the first one kept.
  for (let i = 0; i < 3; i++) expect((await server({ name }).status(ctx)).status).toBe('down');
  expect(tokens()).toBe(n + 1);
  const [file] = await readdir(kept());
  expect((await stat(join(kept(), file!))).mode & 0o777).toBe(0o600);
  // Revoked (Keystone restarted with new keys): Nova answers 401 and one new token is asked.
  w.sim.state.update((s) => void (s.tokens = {}));
  expect((await server({ name }).status(ctx)).status).toBe('down');
  expect(tokens()).toBe(n + 2);
  // A token within 30 s of its expiry is not used. Read on the action's clock: an hour later by that clock, whatever the
  // machine's load, the hour-long token has 29 s left and a new one is asked; that one lasts two hours, and serves.
  await forgetTokens();
  await server({ name }).status(ctx);
  await server({ name }).status(ctx);
  expect(tokens()).toBe(n + 3);
  w.sim.state.setFault('token-ttl-ms', String(2 * 3600_000));
  try {
    const later = { ...ctx, clock: skewedClock(ctx.clock, 3600_000 - 29_000) };
    await server({ name }).status(later);
    await server({ name }).status(later);
    expect(tokens()).toBe(n + 4);
  } finally {
    w.sim.state.clearFault('token-ttl-ms');
  }
  const internal = server({ name }, w.settings({ interface: 'internal' }));
  await internal.status(ctx);
  expect(w.sim.requests).toContain('GET /internal-compute/v2.1/servers');
  const nowhere = server({ name }, w.settings({ region: 'RegionTwo' }));
  await expect(nowhere.status(ctx)).rejects.toMatchObject({ code: 'EndpointError', message: expect.stringContaining('no public compute endpoint in region RegionTwo') });
});

test('names are matched exactly although Nova filters by regular expression; two servers of one name are an error', async () => {
  const base = uniqueName('srv-', 16);
  w.sim.addServer({ name: `${base}.1`, project: 'ha' });
  w.sim.addServer({ name: `${base}x1`, project: 'ha' });
  w.sim.addServer({ name: `${base}.1-old`, project: 'ha' });
  const c = server({ name: `${base}.1` });
  expect(await c.status(testContainerContext(c))).toEqual({ status: 'down', log: [] });
  w.sim.addServer({ name: `${base}.1`, project: 'ha' });
  await expect(c.status(testContainerContext(c))).rejects.toMatchObject({ code: 'EndpointError', message: expect.stringContaining(`2 servers are named ${base}.1`) });
});

test('without an address keyword the guest is reached at the address Nova reports, kept for the next command', async () => {
  const name = uniqueName('srv-', 20);
  const g = await w.guests.create(name);
  w.sim.addServer({ name, project: 'ha', address: g.address, network: 'tenant-net' });
  const c = server({ name, network: 'tenant-net' });
  expect(c.guestChannel()).toMatchObject({ host: name });
  expect(await c.status(testContainerContext(c))).toEqual({ status: 'down', log: [] });
  // The next command (a new resource, as each CLI run makes) knows the address.
  expect(await roundTrip(server({ name, network: 'tenant-net' }), g)).toEqual({ host: g.address, code: 0 });
}, 30_000);

test('a start in progress shows Nova’s task; a refused start names the policy; Nova never powering off fails the stop', async () => {
  const name = uniqueName('srv-', 20);
  const s = w.sim.addServer({ name, project: 'ha' });
  const c = server({ name, start_timeout: 2, stop_timeout: 1 }, w.settings({ shutdown_timeout: '1' }));
  const ctx = testContainerContext(c, localExec, log);
  w.sim.state.setFault(`${name}.denied`);
  await expect(c.start(ctx)).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining("403: Policy doesn't allow os_compute_api:servers:start"), hint: expect.stringContaining('policy') });
  w.sim.state.clearFault(`${name}.denied`);
  // The power-on held under way: status shows Nova's task. No guest plays it: the start fails, and the server is ACTIVE.
  let release = w.hold(name);
  const started = c.start(ctx).catch((e: unknown) => e);
  await until('os-start under way', () => w.sim.server(name)?.task_state === 'powering-on');
  expect(await c.status(ctx)).toEqual({ status: 'warn', log: [`warn: server ${name} is SHUTOFF (powering-on) (Nova): os-start under way: not yet running`] });
  release();
  expect(await started).toMatchObject({ code: 'ContainerNotOperational' });
  await until('the server ACTIVE', () => w.sim.server(name)?.vm_state === 'active');
  // The guest ignores the shutdown and Nova's power-off is held: the stop fails, the task still under way.
  w.sim.state.setFault(`${name}.ignore-shutdown`);
  release = w.hold(name);
  try {
    await expect(c.stop(ctx)).rejects.toMatchObject({ code: 'ContainerActionFailed', message: expect.stringContaining('still not SHUTOFF 2s after os-stop') });
    expect(w.sim.server(s.name)).toMatchObject({ vm_state: 'active', task_state: 'powering-off' });
  } finally {
    release();
  }
}, 30_000);

test('dry run: start and stop say what they would do and change nothing', async () => {
  const name = uniqueName('srv-', 20);
  w.sim.addServer({ name, project: 'ha' });
  const c = server({ name, address: '203.0.113.254' });
  const ctx = testContainerContext(c, localExec, log);
  logs.length = 0;
  await c.start({ ...ctx, dryRun: true });
  expect(w.sim.server(name)?.vm_state).toBe('stopped');
  w.sim.state.update((s) => void (s.servers.find((x) => x.name === name)!.vm_state = 'active'));
  await c.stop({ ...ctx, dryRun: true });
  expect(w.sim.server(name)?.vm_state).toBe('active');
  expect(logs).toEqual([expect.stringMatching(/^info: os-start srv-.* \(.*\)$/), expect.stringMatching(/^info: os-stop srv-.* \(.*, 5s\)$/)]);
});
