import { familyOf, netmaskPrefix, prefixLength } from './address.js';

test.each<[string | undefined, 4 | 6, number]>([
  [undefined, 4, 24],
  [undefined, 6, 64],
  ['16', 4, 16],
  ['255.255.255.0', 4, 24],
  ['255.255.255.255', 4, 32],
  ['255.255.240.0', 4, 20],
  ['0.0.0.0', 4, 0],
  ['48', 6, 48],
  ['128', 6, 128],
])('netmask %s (IPv%i) -> /%i', (mask, family, n) => expect(prefixLength(mask, family, 'ip#1')).toBe(n));

// [netmask, family (undefined: not known yet), the problem]: validate config and start say the same.
test.each<[string, 4 | 6 | undefined, string]>([
  ['33', 4, 'netmask 33 is longer than the 32 bits of an IPv4 address'],
  ['129', 6, 'netmask 129 is longer than the 128 bits of an IPv6 address'],
  ['129', undefined, 'netmask 129 is longer than the 128 bits of an IPv6 address'],
  ['255.0.255.0', 4, 'netmask 255.0.255.0 is not a mask: its ones are not all before its zeros'],
  ['255.255.255.0', 6, 'netmask 255.255.255.0 is a dotted IPv4 mask: an IPv6 address takes a prefix length (64)'],
  ['abc', 4, 'netmask "abc" is neither a prefix length nor a dotted mask'],
  ['255.255.255.0/24', undefined, 'netmask "255.255.255.0/24" is neither a prefix length nor a dotted mask'],
])('netmask %s (IPv%s) is refused: %s', (mask, family, problem) => {
  expect(netmaskPrefix(mask, family)).toEqual({ problem });
  if (family) expect(() => prefixLength(mask, family, 'ip#1')).toThrow(expect.objectContaining({ code: 'InvalidNetmask', message: `ip#1: ${problem}` }));
});

test.each([
  ['198.51.100.5', 4],
  ['2001:db8::5', 6],
  ['www.example.com', undefined],
  [undefined, undefined],
])('familyOf(%s) = %s', (address, family) => expect(familyOf(address)).toBe(family));
