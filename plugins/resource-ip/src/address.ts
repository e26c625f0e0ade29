// Address arithmetic for the ip resource: prefix lengths from masks. The
// same rules serve `validate config` (the netmask keyword's parser and its
// check against ipname) and start, so what validates is what starts.
import { CapsuleError } from '@capsule/core';
import { isIP } from 'node:net';

/**
 * The prefix length `netmask` gives, or what is wrong with it. `family` 4 or
 * 6 when the address is known; undefined checks only what no address family
 * would accept.
 */
export function netmaskPrefix(netmask: string, family?: 4 | 6): { prefix: number } | { problem: string } {
  if (/^\d+$/.test(netmask)) {
    const n = Number(netmask);
    const max = family === 4 ? 32 : 128;
    return n <= max ? { prefix: n } : { problem: `netmask ${netmask} is longer than the ${max} bits of an IPv${family === 4 ? 4 : 6} address` };
  }
  const neither = { problem: `netmask "${netmask}" is neither a prefix length nor a dotted mask` };
  if (isIP(netmask) !== 4) return neither;
  if (family === 6) return { problem: `netmask ${netmask} is a dotted IPv4 mask: an IPv6 address takes a prefix length (64)` };
  const bits = netmask
    .split('.')
    .map((o) => Number(o).toString(2).padStart(8, '0'))
    .join('');
  if (!/^1*0*$/.test(bits)) return { problem: `netmask ${netmask} is not a mask: its ones are not all before its zeros` };
  return { prefix: bits.indexOf('0') < 0 ? 32 : bits.indexOf('0') };
}

/** The family of an address written as one; undefined for a name (known only once resolved). */
export function familyOf(address: string | undefined): 4 | 6 | undefined {
  const f = isIP(address?.trim() ?? '');
  return f === 4 || f === 6 ? f : undefined;
}

export function prefixLength(netmask: string | undefined, family: 4 | 6, rid: string): number {
  if (netmask === undefined || netmask === '') return family === 4 ? 24 : 64;
  const r = netmaskPrefix(netmask.trim(), family);
  if ('prefix' in r) return r.prefix;
  throw new CapsuleError('InvalidNetmask', `${rid}: ${r.problem}`, { hint: family === 4 ? 'write netmask = 24 or netmask = 255.255.255.0' : 'write netmask = 64' });
}
