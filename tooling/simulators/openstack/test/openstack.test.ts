// The OpenStack simulator answers as Keystone v3 and Nova v2.1 document:
// tokens and catalog, 401 on bad or expired credentials, 202 then a later
// state change, 409 conflicts, 404 for another project's server.
import { call, makeTestPki, type TestPki } from '@capsule/sim-https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { STATE_MAP, startOpenstackSim, statusFromState, type OpenstackSim } from '../src/index.js';

const corpus = (f: string) => readFileSync(new URL(`../corpus/${f}`, import.meta.url), 'utf8');
const words = (f: string) => corpus(f).split('\n').filter(Boolean);
/** Line `i` of the corpus's 409 messages, for server `id` instead of the sample's. */
const conflictSample = (i: number, id: string) => words('conflict-409.txt')[i]!.replace('0e44cc9c-e052-415d-afbf-469b0d384170', id);

let dir: string;
let pki: TestPki;
let sim: OpenstackSim;
const powered: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capsule-simos-'));
  pki = await makeTestPki(dir);
  sim = await startOpenstackSim({
    stateDir: join(dir, 'state'),
    pki,
    users: [{ name: 'capsule', domain: 'Default', password: 'pw', project: 'ha' }],
    appCredentials: { 'ac-1': { secret: 'shh', project: 'ha' } },
    onPower: (g, on) => void powered.push(`${g.name} ${on ? 'on' : 'off'}`),
  });
  // Transitions long enough that a request made right after finds them under way, however loaded the machine.
  sim.state.setFault('start-delay-ms', '500');
  sim.state.setFault('stop-delay-ms', '500');
}, 30_000);
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

const password = (pw: string, project = 'ha') => ({ auth: { identity: { methods: ['password'], password: { user: { name: 'capsule', domain: { name: 'Default' }, password: pw } } }, scope: { project: { name: project, domain: { name: 'Default' } } } } });

async function token(): Promise<string> {
  const r = await call(sim.url, pki.ca, 'POST', '/identity/v3/auth/tokens', { body: password('pw') });
  expect(r.status).toBe(201);
  return r.headers['x-subject-token'] as string;
}
const nova = (t: string, method: string, path: string, body?: unknown) => call(sim.url, pki.ca, method, `/compute/v2.1${path}`, { headers: { 'x-auth-token': t }, body });
const settle = () => new Promise((r) => setTimeout(r, 900));

test('Keystone: password and application credential tokens with the compute endpoint; bad credentials 401', async () => {
  const r = await call(sim.url, pki.ca, 'POST', '/identity/v3/auth/tokens', { body: password('pw') });
  const body = r.body as { token: { expires_at: string; catalog: { type: string; endpoints: { interface: string; url: string }[] }[] } };
  expect(r.headers['x-subject-token']).toMatch(/^gAAAAA/);
  expect(Date.parse(body.token.expires_at)).toBeGreaterThan(Date.now());
  expect(body.token.catalog.find((c) => c.type === 'compute')?.endpoints.find((e) => e.interface === 'public')?.url).toBe(`${sim.url}/compute/v2.1`);
  expect((await call(sim.url, pki.ca, 'POST', '/identity/v3/auth/tokens', { body: password('wrong') })).status).toBe(401);
  expect((await call(sim.url, pki.ca, 'POST', '/identity/v3/auth/tokens', { body: password('pw', 'other') })).status).toBe(401);
  const ac = { auth: { identity: { methods: ['application_credential'], application_credential: { id: 'ac-1', secret: 'shh' } } } };
  expect((await call(sim.url, pki.ca, 'POST', '/identity/v3/auth/tokens', { body: ac })).status).toBe(201);
  ac.auth.identity.application_credential.secret = 'no';
  expect((await call(sim.url, pki.ca, 'POST', '/identity/v3/auth/tokens', { body: ac })).status).toBe(401);
  expect((await nova('bogus', 'GET', '/servers')).status).toBe(401);
  sim.state.setFault('token-ttl-ms', '30');
  const t = await token();
  sim.state.clearFault('token-ttl-ms');
  await new Promise((r) => setTimeout(r, 60));
  expect((await nova(t, 'GET', '/servers')).status).toBe(401);
});

test('Nova: name filter is a regular expression; start and stop are 202 and happen later; conflicts are 409', async () => {
  const s = sim.addServer({ name: 'web-1', project: 'ha', address: '198.51.100.7' });
  sim.addServer({ name: 'web-10', project: 'ha' });
  sim.addServer({ name: 'web-1', project: 'someone-else' });
  const t = await token();
  expect(((await nova(t, 'GET', '/servers?name=web-1')).body as { servers: unknown[] }).servers).toHaveLength(2);
  expect(((await nova(t, 'GET', '/servers?name=%5Eweb%5C-1%24')).body as { servers: { id: string }[] }).servers.map((x) => x.id)).toEqual([s.id]);
  const shown = (await nova(t, 'GET', `/servers/${s.id}`)).body as { server: Record<string, unknown> };
  expect(shown.server).toMatchObject({ status: 'SHUTOFF', 'OS-EXT-STS:vm_state': 'stopped', 'OS-EXT-STS:task_state': null, addresses: { private: [{ addr: '198.51.100.7', version: 4, 'OS-EXT-IPS:type': 'fixed' }] } });
  expect((await nova(t, 'POST', `/servers/${s.id}/action`, { 'os-start': null })).status).toBe(202);
  expect(sim.server('web-1')?.task_state).toBe('powering-on');
  const busy = await nova(t, 'POST', `/servers/${s.id}/action`, { 'os-start': null });
  expect([busy.status, (busy.body as { conflictingRequest: { message: string } }).conflictingRequest.message]).toEqual([409, conflictSample(2, s.id)]);
  await settle();
  expect(((await nova(t, 'GET', `/servers/${s.id}`)).body as { server: { status: string } }).server.status).toBe('ACTIVE');
  const again = await nova(t, 'POST', `/servers/${s.id}/action`, { 'os-start': null });
  expect([again.status, (again.body as { conflictingRequest: { message: string } }).conflictingRequest.message]).toEqual([409, conflictSample(0, s.id)]);
  expect((await nova(t, 'POST', `/servers/${s.id}/action`, { 'os-stop': null })).status).toBe(202);
  await settle();
  expect(sim.server('web-1')?.vm_state).toBe('stopped');
  const stopped = await nova(t, 'POST', `/servers/${s.id}/action`, { 'os-stop': null });
  expect([stopped.status, (stopped.body as { conflictingRequest: { message: string } }).conflictingRequest.message]).toEqual([409, conflictSample(1, s.id)]);
  expect(powered.filter((p) => p.startsWith('web-1 '))).toEqual(['web-1 on', 'web-1 off']);
  expect((await nova(t, 'GET', '/servers/no-such-id')).status).toBe(404);
});

test('faults: denied is 403, busy is 409; a guest that ignores the clean shutdown is powered off after shutdown_timeout', async () => {
  const s = sim.addServer({ name: 'db-1', project: 'ha' });
  const t = await token();
  sim.state.setFault('db-1.denied');
  expect((await nova(t, 'POST', `/servers/${s.id}/action`, { 'os-start': null })).status).toBe(403);
  sim.state.clearFault('db-1.denied');
  sim.state.setFault('db-1.busy');
  expect((await nova(t, 'POST', `/servers/${s.id}/action`, { 'os-start': null })).status).toBe(409);
  sim.state.clearFault('db-1.busy');
  expect((await nova(t, 'POST', `/servers/${s.id}/action`, { 'os-start': null })).status).toBe(202);
  await settle();
  sim.state.setFault('db-1.ignore-shutdown');
  sim.state.setFault('shutdown-timeout-ms', '2500');
  expect((await nova(t, 'POST', `/servers/${s.id}/action`, { 'os-stop': null })).status).toBe(202);
  await settle();
  expect(sim.server('db-1')).toMatchObject({ vm_state: 'active', task_state: 'powering-off' });
  await new Promise((r) => setTimeout(r, 2500));
  expect(sim.server('db-1')).toMatchObject({ vm_state: 'stopped', task_state: null });
});

test('every status the API reference lists is one vm_state/task_state of the corpus map away, and nothing else is printed', () => {
  const printed = new Set(Object.values(STATE_MAP).flatMap((row) => Object.values(row)));
  printed.add(statusFromState('no-such-vm-state', null));
  expect([...printed].sort()).toEqual(words('statuses.txt').sort());
  // Every task the map names is one Nova has.
  for (const row of Object.values(STATE_MAP)) for (const task of Object.keys(row)) if (task !== 'default') expect(words('task-states.txt')).toContain(task);
  expect([statusFromState('active', 'powering-off'), statusFromState('active', 'rebooting_hard'), statusFromState('stopped', null), statusFromState('paused', 'migrating')]).toEqual(['ACTIVE', 'HARD_REBOOT', 'SHUTOFF', 'MIGRATING']);
});

test('a patched server shows its state with the shape of Nova\'s own Show Server Details sample', async () => {
  const s = sim.addServer({ name: 'shape-1', project: 'ha', address: '198.51.100.9' });
  const t = await token();
  const sample = (JSON.parse(corpus('server-get-resp.json')) as { server: Record<string, unknown> }).server;
  const cases: [Partial<{ vm_state: string; task_state: string | null; status: string }>, string, number][] = [
    [{ vm_state: 'active', task_state: null }, 'ACTIVE', 1],
    [{ vm_state: 'active', task_state: 'powering-off' }, 'ACTIVE', 1],
    [{ vm_state: 'shelved_offloaded', task_state: null }, 'SHELVED_OFFLOADED', 0],
    [{ vm_state: 'suspended', task_state: null }, 'SUSPENDED', 7],
    [{ vm_state: 'paused', task_state: null }, 'PAUSED', 3],
    [{ vm_state: 'resized', task_state: 'resize_reverting' }, 'REVERT_RESIZE', 1],
    [{ vm_state: 'active', task_state: null, status: 'HIBERNATED' }, 'HIBERNATED', 1],
  ];
  for (const [patch, status, power] of cases) {
    sim.patchServer('shape-1', { status: undefined, ...patch });
    const shown = ((await nova(t, 'GET', `/servers/${s.id}`)).body as { server: Record<string, unknown> }).server;
    expect([shown['status'], shown['OS-EXT-STS:vm_state'], shown['OS-EXT-STS:task_state'], shown['OS-EXT-STS:power_state']]).toEqual([status, patch.vm_state, patch.task_state, power]);
    for (const [k, v] of Object.entries(shown)) {
      expect(Object.keys(sample)).toContain(k);
      // Same JSON type as the sample's, a null task_state standing for a string.
      if (v !== null && sample[k] !== null) expect([k, typeof v]).toEqual([k, typeof sample[k]]);
    }
  }
  const refused = await nova(t, 'POST', `/servers/${s.id}/action`, { 'os-start': null });
  expect((refused.body as { conflictingRequest: { message: string } }).conflictingRequest.message).toBe(`Cannot 'start' instance ${s.id} while it is in vm_state active`);
});
