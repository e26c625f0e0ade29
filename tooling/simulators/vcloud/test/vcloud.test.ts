// The vCloud Director simulator answers as the API reference documents:
// the versioned Accept header, sessions with the access token header, VM
// records and numeric status, power actions as tasks, errors by minor code.
import { basic, call, makeTestPki, type TestPki } from '@capsule/sim-https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { STATUS_NAMES, startVcloudSim, statusName, VM_STATUS, type VcloudSim } from '../src/index.js';

const corpus = (f: string) => readFileSync(new URL(`../corpus/${f}`, import.meta.url), 'utf8');

let dir: string;
let pki: TestPki;
let sim: VcloudSim;
const ACCEPT = 'application/*+json;version=36.0';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capsule-simvcd-'));
  pki = await makeTestPki(dir);
  sim = await startVcloudSim({ stateDir: join(dir, 'state'), pki, users: { 'capsule@acme': 'pw' } });
  sim.state.setFault('task-delay-ms', '50');
  sim.state.setFault('shutdown-delay-ms', '50');
}, 30_000);
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

async function login(): Promise<string> {
  const r = await call(sim.url, pki.ca, 'POST', '/cloudapi/1.0.0/sessions', { headers: { accept: 'application/json;version=36.0', authorization: basic('capsule@acme', 'pw') } });
  expect(r.status).toBe(200);
  return r.headers['x-vmware-vcloud-access-token'] as string;
}
const vcd = (token: string, method: string, path: string) => call(sim.url, pki.ca, method, path, { headers: { accept: ACCEPT, authorization: `Bearer ${token}` } });
const minor = (r: { body: unknown }) => (r.body as { minorErrorCode?: string }).minorErrorCode;
const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));
/** Polls until `check` holds: a loaded machine must not turn a slow answer into a failure. */
async function until(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  for (const t0 = Date.now(); !(await check()); await settle(50)) if (Date.now() - t0 > ms) throw new Error('timed out');
}

test('sessions: no API version, or one it does not speak, is the corpus\'s 406; bad credentials and a deleted session 401', async () => {
  for (const accept of ['application/json', 'application/*+json;version=30.0', 'application/*+json;version=99.0']) {
    const r = await call(sim.url, pki.ca, 'POST', '/cloudapi/1.0.0/sessions', { headers: { accept, authorization: basic('capsule@acme', 'pw') } });
    expect([r.status, r.body]).toEqual([406, { majorErrorCode: 406, minorErrorCode: 'NOT_ACCEPTABLE', message: corpus('error-406-version.txt').trim(), stackTrace: null }]);
  }
  expect((await call(sim.url, pki.ca, 'POST', '/cloudapi/1.0.0/sessions', { headers: { accept: ACCEPT, authorization: basic('capsule@acme', 'no') } })).status).toBe(401);
  const t = await login();
  expect((await vcd(t, 'GET', '/api/query?type=vm')).status).toBe(200);
  expect((await vcd(t, 'DELETE', '/cloudapi/1.0.0/sessions/current')).status).toBe(204);
  expect((await vcd(t, 'GET', '/api/query?type=vm')).status).toBe(401);
});

test('a VM found by name and vApp; powerOn is a task, then status 4; again is 400; unknown entity 403', async () => {
  // A task long enough that the next request surely finds the VM busy, however loaded the machine.
  sim.state.setFault('task-delay-ms', '1500');
  const v = sim.addVm({ name: 'web1', vapp: 'shop', org: 'acme' });
  sim.addVm({ name: 'web1', vapp: 'other', org: 'acme' });
  sim.addVm({ name: 'web1', vapp: 'shop', org: 'another-org' });
  const t = await login();
  const q = (await vcd(t, 'GET', `/api/query?type=vm&format=records&filter=${encodeURIComponent('name==web1;containerName==shop')}`)).body as { total: number; record: { href: string; status: string }[] };
  expect(q.total).toBe(1);
  expect(q.record[0]).toMatchObject({ href: `${sim.url}/api/vApp/vm-${v.id}`, status: 'POWERED_OFF' });
  expect(((await vcd(t, 'GET', `/api/vApp/vm-${v.id}`)).body as { status: number }).status).toBe(VM_STATUS.POWERED_OFF);
  const on = await vcd(t, 'POST', `/api/vApp/vm-${v.id}/power/action/powerOn`);
  expect(on.status).toBe(202);
  const task = on.body as { href: string; status: string };
  expect([task.status, on.headers['location']]).toEqual(['running', task.href]);
  expect(minor(await vcd(t, 'POST', `/api/vApp/vm-${v.id}/power/action/powerOff`))).toBe('BUSY_ENTITY');
  await until(async () => ((await vcd(t, 'GET', new URL(task.href).pathname)).body as { status: string }).status === 'success');
  sim.state.setFault('task-delay-ms', '50');
  expect(((await vcd(t, 'GET', `/api/vApp/vm-${v.id}`)).body as { status: number }).status).toBe(VM_STATUS.POWERED_ON);
  const again = await vcd(t, 'POST', `/api/vApp/vm-${v.id}/power/action/powerOn`);
  expect([again.status, minor(again)]).toEqual([400, 'BAD_REQUEST']);
  const shutdown = await vcd(t, 'POST', `/api/vApp/vm-${v.id}/power/action/shutdown`);
  expect((shutdown.body as { status: string }).status).toBe('success');
  await until(() => sim.vm('web1')?.status === VM_STATUS.POWERED_OFF);
  const missing = await vcd(t, 'GET', '/api/vApp/vm-00000000-0000-0000-0000-000000000000');
  expect([missing.status, minor(missing)]).toEqual([403, 'ACCESS_TO_RESOURCE_IS_FORBIDDEN']);
});

test('faults: busy, denied, no VMware Tools (the shutdown task fails), a guest that ignores shutdown', async () => {
  const v = sim.addVm({ name: 'db1', vapp: 'shop', org: 'acme' });
  const t = await login();
  const act = (a: string) => vcd(t, 'POST', `/api/vApp/vm-${v.id}/power/action/${a}`);
  sim.state.setFault('db1.busy');
  expect(minor(await act('powerOn'))).toBe('BUSY_ENTITY');
  sim.state.clearFault('db1.busy');
  sim.state.setFault('db1.denied');
  expect((await act('powerOn')).status).toBe(403);
  sim.state.clearFault('db1.denied');
  expect((await act('powerOn')).status).toBe(202);
  await settle();
  sim.state.setFault('db1.no-tools');
  expect((await act('shutdown')).body).toMatchObject({ status: 'error', error: { message: expect.stringContaining('VMware Tools is not running') } });
  sim.state.clearFault('db1.no-tools');
  sim.state.setFault('db1.ignore-shutdown');
  expect((await act('shutdown')).body).toMatchObject({ status: 'success' });
  await settle();
  expect(sim.vm('db1')?.status).toBe(VM_STATUS.POWERED_ON);
  expect((await act('powerOff')).status).toBe(202);
  await settle();
  expect(sim.vm('db1')?.status).toBe(VM_STATUS.POWERED_OFF);
});

test('status codes and names are the corpus\'s; a patched VM shows its code, its record the name', async () => {
  expect(Object.entries(VM_STATUS).every(([name, code]) => STATUS_NAMES.get(code) === name)).toBe(true);
  expect([STATUS_NAMES.size, statusName(20), statusName(2), statusName(99)]).toEqual([23, 'PARTIALLY_POWERED_OFF', 'DEPLOYED', '99']);
  const v = sim.addVm({ name: 'state1', vapp: 'shop', org: 'acme' });
  const t = await login();
  for (const [code, name] of STATUS_NAMES) {
    sim.patchVm('state1', { status: code });
    expect(((await vcd(t, 'GET', `/api/vApp/vm-${v.id}`)).body as { status: number }).status).toBe(code);
    const q = (await vcd(t, 'GET', `/api/query?type=vm&format=records&filter=${encodeURIComponent('name==state1;containerName==shop;isVAppTemplate==false')}`)).body as { record: { status: string }[] };
    expect(q.record.map((r) => r.status)).toEqual([name]);
  }
});

test('tasks: queued first, postRunning before success; a task-ends fault ends it aborted, canceled or in error with its work undone', async () => {
  const words = corpus('task-statuses.txt').split('\n').filter(Boolean);
  const v = sim.addVm({ name: 'task1', vapp: 'shop', org: 'acme' });
  const t = await login();
  const seen = new Set<string>();
  const follow = async (href: string) => {
    for (;;) {
      const st = ((await vcd(t, 'GET', new URL(href).pathname)).body as { status: string }).status;
      seen.add(st);
      if (!['queued', 'preRunning', 'running', 'postRunning'].includes(st)) return st;
      await settle(20);
    }
  };
  sim.state.setFault('queued-ms', '300');
  sim.state.setFault('post-running-ms', '300');
  try {
    const on = (await vcd(t, 'POST', `/api/vApp/vm-${v.id}/power/action/powerOn`)).body as { href: string; status: string };
    expect(on.status).toBe('queued');
    expect(await follow(on.href)).toBe('success');
    expect([...seen]).toEqual(['queued', 'running', 'postRunning', 'success']);
  } finally {
    sim.state.clearFault('queued-ms');
    sim.state.clearFault('post-running-ms');
  }
  for (const end of ['aborted', 'canceled', 'error']) {
    sim.state.setFault('task1.task-ends', end);
    const off = (await vcd(t, 'POST', `/api/vApp/vm-${v.id}/power/action/powerOff`)).body as { href: string };
    expect(await follow(off.href)).toBe(end);
    expect(sim.vm('task1')?.status).toBe(VM_STATUS.POWERED_ON);
  }
  sim.state.clearFault('task1.task-ends');
  expect(words.filter((w) => !seen.has(w))).toEqual(['preRunning']);
});
