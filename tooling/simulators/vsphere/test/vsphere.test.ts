// The vSphere simulator answers as the vSphere Automation API documents:
// session ids, error types and HTTP statuses, power transitions, faults.
import { basic, call, makeTestPki, type TestPki } from '@capsule/sim-https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVsphereSim, type VsphereSim } from '../src/index.js';

let dir: string;
let pki: TestPki;
let sim: VsphereSim;
const powered: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capsule-simvs-'));
  pki = await makeTestPki(dir);
  sim = await startVsphereSim({ stateDir: join(dir, 'state'), pki, users: { 'admin@vsphere.local': 's3cret' }, hosts: ['esx1', 'esx2'], onPower: (g, on) => void powered.push(`${g.name} ${on ? 'on' : 'off'}`) });
}, 30_000);
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

const api = (method: string, path: string, session?: string, body?: unknown) => call(sim.url, pki.ca, method, path, { headers: session ? { 'vmware-api-session-id': session } : {}, body });

async function login(): Promise<string> {
  const r = await call(sim.url, pki.ca, 'POST', '/api/session', { headers: { authorization: basic('admin@vsphere.local', 's3cret') } });
  expect(r.status).toBe(201);
  return r.body as string;
}

test('sessions: a wrong password and a missing or expired session are 401 UNAUTHENTICATED', async () => {
  const bad = await call(sim.url, pki.ca, 'POST', '/api/session', { headers: { authorization: basic('admin@vsphere.local', 'nope') } });
  expect([bad.status, (bad.body as { error_type: string }).error_type]).toEqual([401, 'UNAUTHENTICATED']);
  expect((await api('GET', '/api/vcenter/vm')).status).toBe(401);
  // Long enough that the first call surely comes in time on a loaded machine.
  sim.state.setFault('session-ttl-ms', '1500');
  const s = await login();
  expect((await api('GET', '/api/vcenter/vm', s)).status).toBe(200);
  await new Promise((r) => setTimeout(r, 1600));
  expect((await api('GET', '/api/vcenter/vm', s)).status).toBe(401);
  sim.state.clearFault('session-ttl-ms');
  const t = await login();
  expect((await api('DELETE', '/api/session', t)).status).toBe(204);
  expect((await api('GET', '/api/vcenter/vm', t)).status).toBe(401);
});

test('power: start, already on (400 ALREADY_IN_DESIRED_STATE), guest shutdown, stop, unknown VM 404', async () => {
  const vm = sim.addVm({ name: 'web1', address: '198.51.100.9' });
  const s = await login();
  expect((await api('GET', `/api/vcenter/vm/${vm.vm}/guest/identity`, s)).status).toBe(503);
  expect((await api('GET', '/api/vcenter/vm?names=web1', s)).body).toEqual([{ vm: vm.vm, name: 'web1', power_state: 'POWERED_OFF', cpu_count: 1, memory_size_MiB: 512 }]);
  expect((await api('GET', '/api/vcenter/vm?names=none', s)).body).toEqual([]);
  expect((await api('POST', `/api/vcenter/vm/${vm.vm}/guest/power?action=shutdown`, s)).status).toBe(400);
  expect((await api('POST', `/api/vcenter/vm/${vm.vm}/power?action=start`, s)).status).toBe(204);
  expect((await api('GET', `/api/vcenter/vm/${vm.vm}/power`, s)).body).toEqual({ state: 'POWERED_ON' });
  expect((await api('GET', `/api/vcenter/vm/${vm.vm}/guest/identity`, s)).body).toMatchObject({ host_name: 'web1', ip_address: '198.51.100.9' });
  const again = await api('POST', `/api/vcenter/vm/${vm.vm}/power?action=start`, s);
  expect([again.status, (again.body as { error_type: string }).error_type]).toEqual([400, 'ALREADY_IN_DESIRED_STATE']);
  sim.state.setFault('shutdown-delay-ms', '50');
  expect((await api('POST', `/api/vcenter/vm/${vm.vm}/guest/power?action=shutdown`, s)).status).toBe(204);
  await new Promise((r) => setTimeout(r, 150));
  expect(sim.vm('web1')?.power_state).toBe('POWERED_OFF');
  const stop = await api('POST', `/api/vcenter/vm/${vm.vm}/power?action=stop`, s);
  expect([stop.status, (stop.body as { error_type: string }).error_type]).toEqual([400, 'ALREADY_IN_DESIRED_STATE']);
  expect(powered).toEqual(['web1 on', 'web1 off']);
  const missing = await api('GET', '/api/vcenter/vm/vm-999/power', s);
  expect([missing.status, (missing.body as { error_type: string }).error_type]).toEqual([404, 'NOT_FOUND']);
});

test('faults: busy, denied, no VMware Tools, a guest that ignores shutdown', async () => {
  const vm = sim.addVm({ name: 'db1' });
  const s = await login();
  const type = async (p: string) => {
    const r = await api('POST', p, s);
    return [r.status, (r.body as { error_type?: string } | undefined)?.error_type];
  };
  sim.state.setFault('db1.busy');
  expect(await type(`/api/vcenter/vm/${vm.vm}/power?action=start`)).toEqual([500, 'RESOURCE_BUSY']);
  sim.state.clearFault('db1.busy');
  sim.state.setFault('db1.denied');
  expect(await type(`/api/vcenter/vm/${vm.vm}/power?action=start`)).toEqual([403, 'UNAUTHORIZED']);
  sim.state.clearFault('db1.denied');
  expect(await type(`/api/vcenter/vm/${vm.vm}/power?action=start`)).toEqual([204, undefined]);
  sim.state.setFault('db1.no-tools');
  expect(await type(`/api/vcenter/vm/${vm.vm}/guest/power?action=shutdown`)).toEqual([503, 'SERVICE_UNAVAILABLE']);
  sim.state.clearFault('db1.no-tools');
  sim.state.setFault('db1.ignore-shutdown');
  sim.state.setFault('shutdown-delay-ms', '10');
  expect(await type(`/api/vcenter/vm/${vm.vm}/guest/power?action=shutdown`)).toEqual([204, undefined]);
  await new Promise((r) => setTimeout(r, 100));
  expect(sim.vm('db1')?.power_state).toBe('POWERED_ON');
  expect(await type(`/api/vcenter/vm/${vm.vm}/power?action=stop`)).toEqual([204, undefined]);
});

test('relocate moves a VM to another host, by host id; an unknown host is 400', async () => {
  const vm = sim.addVm({ name: 'app1' });
  const s = await login();
  const hosts = (await api('GET', '/api/vcenter/host?names=esx2', s)).body as { host: string }[];
  expect(hosts).toEqual([{ host: 'host-2', name: 'esx2', connection_state: 'CONNECTED', power_state: 'POWERED_ON' }]);
  expect((await api('POST', `/api/vcenter/vm/${vm.vm}?action=relocate`, s, { placement: { host: 'host-9' } })).status).toBe(400);
  expect((await api('POST', `/api/vcenter/vm/${vm.vm}?action=relocate`, s, { placement: { host: 'host-2' } })).status).toBe(204);
  expect(sim.hostOf('app1')).toBe('esx2');
  expect((await api('GET', '/api/vcenter/vm?names=app1&hosts=host-1', s)).body).toEqual([]);
});
