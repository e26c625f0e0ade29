// Address arithmetic for the ip resource: prefix lengths from masks.
import { CapsuleError } from '@capsule/core';
import { isIP } from 'node:net';

export function prefixLength(netmask: string | undefined, family: 4 | 6, rid: string): number {
  if (netmask === undefined || netmask === '') return family === 4 ? 24 : 64;
  const bad = () =>
    new CapsuleError('InvalidNetmask', `${rid}: netmask "${netmask}" is neither a prefix length nor a dotted mask`, {
      hint: 'write netmask = 24 or netmask = 255.255.255.0',
    });
  if (/^\d+$/.test(netmask)) {
    const n = Number(netmask);
    if (n > (family === 4 ? 32 : 128)) throw bad();
    return n;
  }
  if (family !== 4 || isIP(netmask) !== 4) throw bad();
  const bits = netmask
    .split('.')
    .map((o) => Number(o).toString(2).padStart(8, '0'))
    .join('');
  if (!/^1*0*$/.test(bits)) throw bad();
  return bits.indexOf('0') < 0 ? 32 : bits.indexOf('0');
}
