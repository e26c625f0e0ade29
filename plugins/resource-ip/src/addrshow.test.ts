import { nextAliasLabel, parseAddrShow } from './addrshow.js';

// `ip -o addr show` as iproute2 6.1 (Debian 12) prints it.
const SHOW = [
  '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
  '1: lo    inet6 ::1/128 scope host noprefixroute \\       valid_lft forever preferred_lft forever',
  '2: eth0    inet 198.51.100.1/24 scope global eth0\\       valid_lft forever preferred_lft forever',
  '2: eth0    inet 198.51.100.10/24 scope global secondary eth0:1\\       valid_lft forever preferred_lft forever',
  '2: eth0    inet 198.51.100.12/24 brd 198.51.100.255 scope global secondary eth0:3\\       valid_lft forever preferred_lft forever',
  '2: eth0    inet6 fe80::1/64 scope link \\       valid_lft forever preferred_lft forever',
  '3: veth1@if4    inet 198.51.100.30/32 scope global veth1\\       valid_lft forever preferred_lft forever',
].join('\n');

test('every address with its device, family and (IPv4) label', () => {
  expect(parseAddrShow(SHOW)).toEqual([
    { dev: 'lo', family: 4, addr: '127.0.0.1', label: 'lo' },
    { dev: 'lo', family: 6, addr: '::1' },
    { dev: 'eth0', family: 4, addr: '198.51.100.1', label: 'eth0' },
    { dev: 'eth0', family: 4, addr: '198.51.100.10', label: 'eth0:1' },
    { dev: 'eth0', family: 4, addr: '198.51.100.12', label: 'eth0:3' },
    { dev: 'eth0', family: 6, addr: 'fe80::1' },
    { dev: 'veth1', family: 4, addr: '198.51.100.30', label: 'veth1' },
  ]);
});

// OpenSVC's next_stacked_dev: the lowest free N, from 1.
test.each<[string, string]>([
  ['eth0', 'eth0:2'],
  ['lo', 'lo:1'],
  ['eth9', 'eth9:1'],
])('next alias label of %s: %s', (dev, label) => expect(nextAliasLabel(dev, parseAddrShow(SHOW))).toBe(label));
