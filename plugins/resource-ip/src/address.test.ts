import { prefixLength } from './address.js';

test.each<[string | undefined, 4 | 6, number]>([
  [undefined, 4, 24],
  [undefined, 6, 64],
  ['16', 4, 16],
  ['255.255.255.0', 4, 24],
  ['255.255.255.255', 4, 32],
  ['255.255.240.0', 4, 20],
  ['0.0.0.0', 4, 0],
  ['48', 6, 48],
])('netmask %s (IPv%i) -> /%i', (mask, family, n) => expect(prefixLength(mask, family, 'ip#1')).toBe(n));

test.each([['33'], ['255.0.255.0'], ['abc'], ['255.255.255.0/24']])('netmask %s is refused', (mask) => {
  expect(() => prefixLength(mask, 4, 'ip#1')).toThrow(/ip#1: netmask/);
});
