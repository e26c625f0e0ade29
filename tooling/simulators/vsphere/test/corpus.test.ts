// What the simulator prints has exactly the shape of what vCenter printed
// (corpus/, with its sources): every power state, the list and identity
// bodies, the recorded errors, and the status of every error type.
import { basic, call, makeTestPki, type TestPki } from '@capsule/sim-https';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVsphereSim, type VsphereSim } from '../src/index.js';

let dir: string;
let pki: TestPki;
let sim: VsphereSim;
let session: string;

const sample = async (f: string) => JSON.parse(await readFile(new URL(`../corpus/${f}`, import.meta.url), 'utf8')) as unknown;
const keys = (o: unknown) => Object.keys(o as object).sort();
const api = (method: string, path: string) => call(sim.url, pki.ca, method, path, { headers: { 'vmware-api-session-id': session } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capsule-simvc-'));
  pki = await makeTestPki(dir);
  sim = await startVsphereSim({ stateDir: join(dir, 'state'), pki, users: { u: 'p' }, hosts: ['esx1'] });
  sim.state.setFault('power-delay-ms', '0');
  session = (await call(sim.url, pki.ca, 'POST', '/api/session', { headers: { authorization: basic('u', 'p') } })).body as string;
}, 30_000);
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

test.each<[string, string, boolean]>([
  ['power-on.json', 'POWERED_ON', true],
  ['power-off.json', 'POWERED_OFF', true],
  ['power-off-crashed.json', 'POWERED_OFF', false],
  ['power-suspended.json', 'SUSPENDED', true],
])('GET power prints %s for %s', async (file, word, clean) => {
  const vm = sim.addVm({ name: `p-${file}` });
  sim.setPower(vm.name, word, { clean });
  const r = await api('GET', `/api/vcenter/vm/${vm.vm}/power`);
  expect([r.status, r.body]).toEqual([200, await sample(file)]);
});

test('the VM list, the host list and the guest identity have the recorded fields', async () => {
  const vm = sim.addVm({ name: 'shape1', address: '198.51.100.4' });
  expect(((await api('GET', '/api/vcenter/vm?names=shape1')).body as object[]).map(keys)).toEqual(((await sample('vm-list.json')) as object[]).map(keys));
  expect(((await api('GET', '/api/vcenter/host?names=esx1')).body as object[]).map(keys)).toEqual(((await sample('host-list.json')) as object[]).map(keys));
  sim.setPower('shape1', 'POWERED_ON');
  const id = (await api('GET', `/api/vcenter/vm/${vm.vm}/guest/identity`)).body;
  // ip_address is documented and optional: the recorded guest had none.
  expect(keys(id)).toEqual([...keys(await sample('guest-identity.json')), 'ip_address'].sort());
});

test('the recorded errors are printed as recorded, with the status of their type', async () => {
  const vm = sim.addVm({ name: 'err1' });
  const off = await api('POST', `/api/vcenter/vm/${vm.vm}/power?action=stop`);
  expect([off.status, off.body]).toEqual([400, await sample('stop-already-off.json')]);
  const tools = await api('GET', `/api/vcenter/vm/${vm.vm}/guest/identity`);
  expect([tools.status, JSON.stringify(tools.body)]).toEqual([503, JSON.stringify(await sample('guest-identity-no-tools.json')).replaceAll('vm-1158', vm.vm)]);
  // A message no source recorded is not made up: vcsim's body, the type and no messages.
  const missing = await api('GET', '/api/vcenter/vm/vm-999/power');
  expect([missing.status, keys(missing.body)]).toEqual([404, keys(await sample('vcsim-error-empty.json'))]);
  // A call without a session: 401 and no body, as vcsim answers.
  const bare = await call(sim.url, pki.ca, 'GET', '/api/vcenter/vm', {});
  expect([bare.status, bare.body]).toEqual([401, undefined]);
});

test.each<[string, string, string, number, string | undefined]>([
  // Power.start "a powered-off or suspended virtual machine"; Power.stop likewise.
  ['SUSPENDED', 'power?action=start', 'POWERED_ON', 204, undefined],
  ['SUSPENDED', 'power?action=stop', 'POWERED_OFF', 204, undefined],
  ['POWERED_ON', 'power?action=suspend', 'SUSPENDED', 204, undefined],
  ['SUSPENDED', 'power?action=suspend', 'SUSPENDED', 400, 'ALREADY_IN_DESIRED_STATE'],
  ['POWERED_OFF', 'power?action=suspend', 'POWERED_OFF', 400, 'NOT_ALLOWED_IN_CURRENT_STATE'],
  ['POWERED_ON', 'power?action=start', 'POWERED_ON', 400, 'ALREADY_IN_DESIRED_STATE'],
  // Guest shutdown: "AlreadyInDesiredState if the virtual machine is not powered on", "NotAllowedInCurrentState if ... suspended".
  ['POWERED_OFF', 'guest/power?action=shutdown', 'POWERED_OFF', 400, 'ALREADY_IN_DESIRED_STATE'],
  ['SUSPENDED', 'guest/power?action=shutdown', 'SUSPENDED', 400, 'NOT_ALLOWED_IN_CURRENT_STATE'],
])('from %s, %s: %s, HTTP %d %s', async (from, call_, to, status, type) => {
  const name = `t-${from}-${call_.replace(/\W/g, '')}`;
  const vm = sim.addVm({ name });
  sim.setPower(name, from);
  const r = await api('POST', `/api/vcenter/vm/${vm.vm}/${call_}`);
  expect([r.status, (r.body as { error_type?: string } | undefined)?.error_type, sim.vm(name)?.power_state]).toEqual([status, type, to]);
});

test('every error type has the status of the specification; RESOURCE_BUSY is 500, not 400', async () => {
  const vm = sim.addVm({ name: 'busy1' });
  sim.state.setFault('busy1.busy');
  const r = await api('POST', `/api/vcenter/vm/${vm.vm}/power?action=start`);
  expect([r.status, (r.body as { error_type: string }).error_type]).toEqual([500, 'RESOURCE_BUSY']);
  sim.state.clearFault('busy1.busy');
});
