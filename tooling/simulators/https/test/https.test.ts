// The simulator kit: the test CA's server certificate is trusted with that
// CA only; state and faults live in files.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basic, basicAuth, call, makeTestPki, SimState, startJsonServer, type JsonServer, type TestPki } from '../src/index.js';

let dir: string;
let pki: TestPki;
let server: JsonServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capsule-simhttps-'));
  pki = await makeTestPki(dir);
  server = await startJsonServer({ ...pki, handler: (r) => ({ status: 201, headers: { 'x-seen': r.method }, body: { path: r.path, q: r.query.get('a'), body: r.body, auth: basicAuth(r.headers) ?? null } }) });
}, 30_000);
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (ca: string) => call(server.url, ca, 'POST', '/x/y?a=1', { headers: { authorization: basic('u', 'p:w') }, body: { k: 2 } }).then((r) => ({ status: r.status, body: r.body }));

test('the server is trusted through the test CA and refused through another', async () => {
  expect(await get(pki.ca)).toEqual({ status: 201, body: { path: '/x/y', q: '1', body: { k: 2 }, auth: ['u', 'p:w'] } });
  await expect(get(pki.otherCa)).rejects.toMatchObject({ code: expect.stringMatching(/UNABLE_TO_VERIFY|SELF_SIGNED|CERT/) });
  expect(server.requests).toContain('POST /x/y');
});

test('state survives a new reader; faults are files', () => {
  const a = new SimState(join(dir, 'state'), () => ({ n: 0 }));
  expect(a.update((s) => ++s.n)).toBe(1);
  expect(new SimState(join(dir, 'state'), () => ({ n: 0 })).read()).toEqual({ n: 1 });
  expect(a.fault('busy')).toBeUndefined();
  a.setFault('busy', ' yes\n');
  expect(a.fault('busy')).toBe('yes');
  a.setFault('delay', '250');
  expect([a.delayMs('delay', 5), a.delayMs('other', 5)]).toEqual([250, 5]);
  a.clearFault('busy');
  expect(a.fault('busy')).toBeUndefined();
});
