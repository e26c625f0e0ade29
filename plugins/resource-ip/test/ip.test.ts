// ip resources in network namespaces: hv (the node) and peer, linked by a veth pair.
import { TestNetwork, testContext, testInit, until, type TestHost } from '@capsule/testenv';
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

test('the first ARP reply lost: the next probe still finds the holder, IpInUse', async () => {
  await peer.exec(['ip', 'addr', 'add', '198.51.100.21/24', 'dev', 'eth0']);
  // The holder's first of every three ARP replies is lost on the way (numgen counts from 0). On its way out: arping
  // reads replies from a packet socket, which sees them before this node's own ARP filter would.
  await peer.exec(['nft', 'add table arp lossy']);
  await peer.exec(['nft', 'add chain arp lossy output { type filter hook output priority 0; }']);
  const rule = await peer.exec(['nft', 'add rule arp lossy output arp operation reply numgen inc mod 3 0 drop']);
  expect(rule).toMatchObject({ code: 0 });
  try {
    await expect(ip({ ipname: '198.51.100.21', ipdev: 'eth0', netmask: '24' }).start(ctx())).rejects.toMatchObject({ code: 'IpInUse' });
    expect(await addrs(hv)).not.toContain('198.51.100.21');
  } finally {
    await peer.exec(['nft', 'delete table arp lossy']);
    await peer.exec(['ip', 'addr', 'del', '198.51.100.21/24', 'dev', 'eth0']);
  }
});

test('a held address is announced again at each status check: a neighbour that learnt another MAC comes back', async () => {
  const r = ip({ ipname: '198.51.100.22', ipdev: 'eth0', netmask: '24' });
  await r.start(ctx());
  try {
    const mac = (await hv.exec(['cat', '/sys/class/net/eth0/address'])).stdout.trim();
    // As after a double start: the peer believes the address is at another host's MAC.
    await peer.exec(['ip', 'neigh', 'replace', '198.51.100.22', 'lladdr', '02:00:5e:00:00:99', 'dev', 'eth0', 'nud', 'stale']);
    const learnt = async () => (await peer.exec(['ip', 'neigh', 'show', '198.51.100.22', 'dev', 'eth0'])).stdout;
    expect(await learnt()).toContain('02:00:5e:00:00:99');
    expect((await r.status(ctx())).status).toBe('up');
    await until('the peer learns this node again', async () => (await learnt()).includes(mac), 5000);
  } finally {
    await r.stop(ctx());
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
