// Keywords of [ip#N] sections.
import { kw } from '@capsule/core';

export const keywords = [
  kw.string('ipname', { doc: 'the service address, or a name resolving to it', required: true }),
  kw.string('ipdev', { doc: 'the interface the address is added to', required: true }),
  kw.string('netmask', { doc: 'prefix length (24) or dotted mask (255.255.255.0); default 24 for IPv4, 64 for IPv6' }),
] as const;
