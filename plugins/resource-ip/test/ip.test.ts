// ip resources in network namespaces: hv (the node) and peer, linked by veth pairs.
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
const ip = (config: Record<string, unknown>, rid = 'ip#1') => driver.create(testInit(rid, config));
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

/** The label of `addr` on hv, as `ip -o addr` prints it last on its line. */
const labelOf = async (addr: string) => /scope \S+ (?:\S+ )*?(\S+)\\/.exec((await hv.exec(['ip', '-o', '-4', 'addr', 'show', 'to', `${addr}/32`])).stdout)?.[1];

test('alias: each address is labelled ipdev:N, the lowest free N; ipdev INTF:N forces it; alias = false adds it unlabelled', async () => {
  const a = ip({ ipname: '198.51.100.50', ipdev: 'eth0' }, 'ip#1');
  const b = ip({ ipname: '198.51.100.51', ipdev: 'eth0' }, 'ip#2');
  const c = ip({ ipname: '198.51.100.52', ipdev: 'eth0:7' }, 'ip#3');
  const d = ip({ ipname: '198.51.100.53', ipdev: 'eth0', alias: false }, 'ip#4');
  try {
    for (const r of [a, b, c, d]) await r.start(ctx());
    expect(await labelOf('198.51.100.50')).toBe('eth0:1');
    expect(await labelOf('198.51.100.51')).toBe('eth0:2');
    expect(await labelOf('198.51.100.52')).toBe('eth0:7');
    expect(await labelOf('198.51.100.53')).toBe('eth0');
    expect(c.label()).toBe('198.51.100.52@eth0:7');
    for (const r of [a, b, c, d]) expect(await r.status(ctx())).toEqual({ status: 'up', log: [] });
    // eth0:1 freed is taken again by the next start.
    await a.stop(ctx());
    const e = ip({ ipname: '198.51.100.54', ipdev: 'eth0' }, 'ip#5');
    await e.start(ctx());
    expect(await labelOf('198.51.100.54')).toBe('eth0:1');
    await e.stop(ctx());
  } finally {
    for (const r of [a, b, c, d]) await r.stop(ctx());
  }
  expect(await addrs(hv)).not.toMatch(/198\.51\.100\.5\d/);
});

const defaults = async () => (await hv.exec(['ip', '-4', 'route', 'show', 'default'])).stdout.trim();

test('gateway: a default route via the gateway through ipdev while the address is up; gone at stop; missing is warn', async () => {
  const r = ip({ ipname: '198.51.100.60', ipdev: 'eth0', gateway: '198.51.100.2' });
  try {
    await r.start(ctx());
    expect(await defaults()).toBe('default via 198.51.100.2 dev eth0');
    // The kernel routes off-link traffic through the gateway.
    expect((await hv.exec(['ip', 'route', 'get', '192.0.2.1'])).stdout).toMatch(/^192\.0\.2\.1 via 198\.51\.100\.2 dev eth0 /);
    expect(await r.status(ctx())).toEqual({ status: 'up', log: [] });
    await hv.exec(['ip', 'route', 'del', 'default']);
    expect(await r.status(ctx())).toEqual({ status: 'warn', log: ['warn: no default route via 198.51.100.2 dev eth0 (gateway)'] });
    // A start of the address already up puts the route back.
    await r.start(ctx());
    expect(await defaults()).toBe('default via 198.51.100.2 dev eth0');
    await r.stop(ctx());
    expect(await defaults()).toBe('');
    expect(await addrs(hv)).not.toContain('198.51.100.60');
  } finally {
    await r.stop(ctx());
  }
});

test('gateway: another default route on the node fails the start, naming it, and the address is not left behind', async () => {
  await hv.exec(['ip', 'route', 'add', 'default', 'via', '198.51.100.3', 'dev', 'eth0']);
  try {
    await expect(ip({ ipname: '198.51.100.61', ipdev: 'eth0', gateway: '198.51.100.2' }).start(ctx())).rejects.toMatchObject({
      message: 'ip#1: ip -4 route add default via 198.51.100.2 dev eth0 failed: RTNETLINK answers: File exists (this node already has default via 198.51.100.3 dev eth0)',
    });
    expect(await addrs(hv)).not.toContain('198.51.100.61');
    expect(await defaults()).toBe('default via 198.51.100.3 dev eth0');
  } finally {
    await hv.exec(['ip', 'route', 'del', 'default']);
  }
});

describe('check_carrier', () => {
  // eth2 of hv is a veth whose other end, in peer, is down: hv's eth2 is up with no carrier (NO-CARRIER).
  beforeAll(async () => {
    await net.link(hv, 'eth2', '198.51.100.129/25', peer, 'eth2', undefined);
    await peer.exec(['ip', 'link', 'set', 'eth2', 'down']);
    await until('eth2 loses its carrier', async () => (await hv.exec(['cat', '/sys/class/net/eth2/carrier'])).stdout.trim() === '0', 5000);
  });
  afterAll(() => peer.exec(['ip', 'link', 'set', 'eth2', 'up']));

  test('no carrier: start refused, nothing added; status says why', async () => {
    const r = ip({ ipname: '198.51.100.140', ipdev: 'eth2', netmask: '25' });
    await expect(r.start(ctx())).rejects.toMatchObject({
      message: 'ip#1: no carrier on eth2: the address would be unreachable',
      hint: 'plug eth2 in or bring it up (ip link set dev eth2 up); for a bridge without ports set ip#1.check_carrier = false; --force starts anyway',
    });
    expect((await hv.exec(['ip', '-o', 'addr', 'show', 'dev', 'eth2'])).stdout).not.toContain('198.51.100.140');
    expect(await r.status(ctx())).toEqual({ status: 'down', log: ['warn: no carrier on eth2'] });
  });

  test('--force starts anyway, with a warning; the held address is warn until the carrier is back, then up', async () => {
    const r = ip({ ipname: '198.51.100.141', ipdev: 'eth2', netmask: '25' });
    const forced: string[] = [];
    await r.start(testContext(hv.exec, { info: () => {}, warn: (m) => forced.push(m), error: () => {} }, { force: true }));
    try {
      expect(forced).toEqual(['ip#1: no carrier on eth2; starting anyway (--force)']);
      expect(await r.status(ctx())).toEqual({ status: 'warn', log: ['warn: no carrier on eth2'] });
      await peer.exec(['ip', 'link', 'set', 'eth2', 'up']);
      await until('the status is up with the carrier back', async () => (await r.status(ctx())).status === 'up', 5000);
    } finally {
      await peer.exec(['ip', 'link', 'set', 'eth2', 'down']);
      await until('eth2 loses its carrier again', async () => (await hv.exec(['cat', '/sys/class/net/eth2/carrier'])).stdout.trim() === '0', 5000);
      await r.stop(ctx());
    }
  });

  test('check_carrier = false: the address goes up without a carrier', async () => {
    const r = ip({ ipname: '198.51.100.142', ipdev: 'eth2', netmask: '25', check_carrier: false });
    await r.start(ctx());
    try {
      expect(await r.status(ctx())).toEqual({ status: 'up', log: [] });
    } finally {
      await r.stop(ctx());
    }
  });

  test('an interface set down is no carrier either', async () => {
    await net.link(hv, 'eth3', undefined, peer, 'eth3', undefined);
    await hv.exec(['ip', 'link', 'set', 'eth3', 'down']);
    const r = ip({ ipname: '198.51.100.150', ipdev: 'eth3' });
    await expect(r.start(ctx())).rejects.toMatchObject({ message: 'ip#1: eth3 is administratively down: the address would be unreachable' });
    expect(await r.status(ctx())).toEqual({ status: 'down', log: ['warn: eth3 is administratively down'] });
  });
});
