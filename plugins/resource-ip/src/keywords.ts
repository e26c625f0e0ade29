// Keywords of [ip#N] sections.
import { kw, ValueParser } from '@capsule/core';
import { familyOf, netmaskPrefix } from './address.js';

/** A prefix length or a dotted mask, as any address family could take it; checked against ipname's family below. */
const netmask = new ValueParser<string>((s) => {
  const r = netmaskPrefix(s.trim());
  return 'problem' in r ? r : { value: s.trim() };
});

export const keywords = [
  kw.string('ipname', { doc: 'the service address, or a name resolving to it', required: true }),
  kw.string('ipdev', { doc: 'the interface the address is added to', required: true }),
  {
    ...kw.string('netmask', { doc: 'prefix length (24) or dotted mask (255.255.255.0); default 24 for IPv4, 64 for IPv6' }),
    schema: netmask,
    // An ipname written as an address tells its family here; a name is checked at start, once resolved.
    check: (value: string, other: (name: string) => string | undefined) => {
      const family = familyOf(other('ipname'));
      const r = family === undefined ? undefined : netmaskPrefix(value, family);
      return r && 'problem' in r ? r.problem : undefined;
    },
  },
] as const;
