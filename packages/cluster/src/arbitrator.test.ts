import { createHmac } from 'node:crypto';
import { connect, type AddressInfo, type Server } from 'node:net';
import { arbitratorServer, askArbitrator } from './arbitrator.js';

const secret = 'arbitrator-test-secret-0123456789';
let server: Server;
let port: number;
beforeAll(async () => {
  server = await arbitratorServer({ host: '127.0.0.1', port: 0, cluster: 'c', nodes: ['hv1', 'hv2'], secret });
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const ask = (node: string, s = secret) => askArbitrator({ host: '127.0.0.1', port, cluster: 'c', node, secret: s, timeoutMs: 2000 });

test('nodes that said hello are listed; a wrong secret, an unknown node and a closed port get no answer', async () => {
  expect(Object.keys((await ask('hv1'))!)).toEqual(['hv1']);
  const seen = (await ask('hv2'))!;
  expect(Object.keys(seen).sort()).toEqual(['hv1', 'hv2']);
  expect(seen['hv1']).toBeGreaterThanOrEqual(0);
  expect(await ask('hv1', 'the-wrong-secret-0123456789abcdef')).toBeUndefined();
  expect(await ask('intruder')).toBeUndefined();
  expect(await askArbitrator({ host: '127.0.0.1', port: 1, cluster: 'c', node: 'hv1', secret, timeoutMs: 1000 })).toBeUndefined();
});

test('a replayed hello is refused', async () => {
  const ts = Date.now() + 10;
  const line = JSON.stringify({ v: 1, cluster: 'c', node: 'hv2', ts, mac: createHmac('sha256', secret).update(`arb1|c|hv2|${ts}`).digest('hex') }) + '\n';
  const send = () =>
    new Promise<string>((resolve) => {
      const s = connect(port, '127.0.0.1', () => s.write(line));
      let out = '';
      s.on('data', (d) => (out += d.toString()));
      s.on('close', () => resolve(out));
    });
  expect(await send()).toContain('"seen"');
  expect(await send()).toBe('');
});
