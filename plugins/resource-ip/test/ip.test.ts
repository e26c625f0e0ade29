// ip resources in network namespaces: hv (the node) and peer, linked by a veth pair.
import { TestNetwork, testContext, testInit, type TestHost } from '@capsule/testenv';
import driver from '../src/index.js';

const net = new TestNetwork();
let hv: TestHost;
let peer: TestHost;
const warnings: string[] = [];

beforeAll(async () => {
  hv = await net.host();
  peer = await net.host();
  await net.link(hv, 'eth0', '198.51.100.1/24', peer, 'eth0', '198.51.100.2/24');
});
afterAll(() => net.dispose());

const ctx = () => testContext(hv.exec, { info: () => {}, warn: (m) => warnings.push(m), error: () => {} });
const ip = (config: Record<string, unknown>) => driver.create(testInit('ip#1', config));
const addrs = async (h: TestHost) => (await h.exec(['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])).stdout;

test('start adds the address, status follows, stop removes it', async () => {
  const r = ip({ ipname: '198.51.100.10', ipdev: 'eth0', netmask: '255.255.255.0' });
  expect(r.label()).toBe('198.51.100.10@eth0');
  expect((await r.status(ctx())).status).toBe('down');
  await r.start(ctx());
  expect(await addrs(hv)).toContain('inet 198.51.100.10/24');
  expect((await r.status(ctx())).status).toBe('up');
  // The peer gets an ARP answer for it: the address really works on the link.
  expect((await peer.exec(['arping', '-c', '1', '-w', '2', '-I', 'eth0', '198.51.100.10'])).code).toBe(0);
  await r.start(ctx());
  await r.stop(ctx());
  expect(await addrs(hv)).not.toContain('198.51.100.10');
  expect((await r.status(ctx())).status).toBe('down');
  expect(warnings).toEqual([]);
});

test('an address another host holds is refused with IpInUse and not added', async () => {
  await peer.exec(['ip', 'addr', 'add', '198.51.100.20/24', 'dev', 'eth0']);
  try {
    await expect(ip({ ipname: '198.51.100.20', ipdev: 'eth0', netmask: '24' }).start(ctx())).rejects.toMatchObject({
      code: 'IpInUse',
      message: 'ip#1: 198.51.100.20 is in use: another host answers ARP for it on eth0',
    });
    expect(await addrs(hv)).not.toContain('198.51.100.20');
  } finally {
    await peer.exec(['ip', 'addr', 'del', '198.51.100.20/24', 'dev', 'eth0']);
  }
});

test('an address on another interface of this node is in use', async () => {
  await net.link(hv, 'eth1', '198.51.100.30/32', peer, 'eth1', undefined);
  const r = ip({ ipname: '198.51.100.30', ipdev: 'eth0' });
  expect(await r.status(ctx())).toEqual({ status: 'warn', log: ['warn: 198.51.100.30 is on eth1, not eth0'] });
  await expect(r.start(ctx())).rejects.toMatchObject({ code: 'IpInUse', message: expect.stringContaining('already configured on eth1') });
});

test('a missing interface is down with a warning, and start says so', async () => {
  const r = ip({ ipname: '198.51.100.40', ipdev: 'eth9' });
  expect(await r.status(ctx())).toEqual({ status: 'down', log: ['warn: interface eth9 does not exist'] });
  await expect(r.start(ctx())).rejects.toMatchObject({ code: 'IpdevMissing' });
});

test('a name that does not resolve is a named error', async () => {
  await expect(ip({ ipname: 'no-such-host.invalid', ipdev: 'eth0' }).status(ctx())).rejects.toMatchObject({ code: 'IpUnresolved' });
});
