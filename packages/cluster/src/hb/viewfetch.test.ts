import { createServer, type AddressInfo, type Server } from 'node:net';
import { fetchView, viewServer, ViewStore } from './viewfetch.js';

const secret = 'view-fetch-secret-0123456789abcdef';
const services = { web: { avail: 'up' as const, overall: 'up', frozen: false, startFailed: false, csum: 'x', mtime: 0, generation: 1 } };
let server: Server;
let port: number;
const store = new ViewStore();
const digest = store.put(services);
beforeAll(async () => {
  server = await viewServer({ host: '127.0.0.1', port: 0, cluster: 'c', nodes: ['hv1', 'hv2'], secret, store });
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const fetch = (o: { node?: string; secret?: string; digest?: string; port?: number } = {}) =>
  fetchView({ host: '127.0.0.1', port: o.port ?? port, cluster: 'c', node: o.node ?? 'hv2', secret: o.secret ?? secret, digest: o.digest ?? digest, timeoutMs: 2000 });

test.each([
  ['a member asking for the announced digest gets the services', {}, services],
  ['a request signed with another secret gets nothing', { secret: 'another-secret-0123456789abcdef!!' }, undefined],
  ['a node that is not a member gets nothing', { node: 'intruder' }, undefined],
  ['a digest this node never announced gets nothing', { digest: 'a'.repeat(64) }, undefined],
])('%s', async (_, o, expected) => expect(await fetch(o)).toEqual(expected));

test('an answer that does not match the announced digest is refused (a relay or a wrong server)', async () => {
  const liar = createServer((s) => s.on('error', () => undefined).end(JSON.stringify({ web: { ...services.web, avail: 'down' } })));
  await new Promise<void>((r) => liar.listen(0, '127.0.0.1', () => r()));
  expect(await fetch({ port: (liar.address() as AddressInfo).port })).toBeUndefined();
  liar.close();
});

test('the store keeps the last three views: a peer asking for one just replaced still gets it', () => {
  const s = new ViewStore();
  const first = s.put({});
  s.put({ a: services.web });
  s.put({ b: services.web });
  expect(s.get(first)).toBe('{}');
  s.put({ c: services.web });
  expect(s.get(first)).toBeUndefined();
});
