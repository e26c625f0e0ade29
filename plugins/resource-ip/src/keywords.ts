// Keywords of [ip#N] sections: OpenSVC's names, defaults and meanings.
import { boolFromString, kw, ValueParser } from '@capsule/core';
import { isIP } from 'node:net';
import { familyOf, netmaskPrefix } from './address.js';
import { IFNAMSIZ } from './addrshow.js';

/** A prefix length or a dotted mask, as any address family could take it; checked against ipname's family below. */
const netmask = new ValueParser<string>((s) => {
  const r = netmaskPrefix(s.trim());
  return 'problem' in r ? r : { value: s.trim() };
});

/** An interface, or OpenSVC's `INTF:N` forcing the alias label; its `NAME@INTF` (a macvtap it creates) is not done here. */
const ipdev = new ValueParser<string>((s) => {
  const v = s.trim();
  if (v.includes('@')) return { problem: `ipdev ${v}: a macvtap interface created by the resource (NAME@INTF) is not supported; create the interface and name it in ipdev` };
  if (!/^[^\s:/]+(:\d+)?$/.test(v)) return { problem: `expected an interface name, or INTERFACE:N for an alias label, got "${s}"` };
  if (v.length >= IFNAMSIZ) return { problem: `ipdev ${v} is longer than the ${IFNAMSIZ - 1} characters of an interface name or label` };
  return { value: v };
});

const address = new ValueParser<string>((s) => (isIP(s.trim()) ? { value: s.trim() } : { problem: `expected an IPv4 or IPv6 address, got "${s}"` }));

/** OpenSVC's gateway and ipname must be of one family: a route via an IPv6 gateway cannot serve an IPv4 address. */
const sameFamilyAsIpname = (value: string, other: (name: string) => string | undefined) => {
  const family = familyOf(other('ipname'));
  return family === undefined || isIP(value) === family ? undefined : `gateway ${value} is an IPv${isIP(value)} address, ipname ${other('ipname')} an IPv${family} one`;
};

/**
 * dns_update asks OpenSVC's collector to publish the name of the address in
 * DNS. Capsule has neither collector nor DNS backend: a service that started
 * without its record would be unreachable by name after each failover, so
 * the file is refused where it says true, not run without it.
 */
const dnsUpdate = boolFromString.refine(
  (v) => !v,
  'dns_update = true needs OpenSVC\'s collector to publish the DNS record, which capsule does not have: set dns_update = false and publish the name in your DNS (one record per address, or a name your DNS fails over)',
);

/** `<port>/<protocol>[:<host port>]`, OpenSVC's expose entries. */
const exposeList = new ValueParser<string[]>((s) => {
  const items = s.split(/\s+/).filter(Boolean);
  const bad = items.find((i) => !/^\d{1,5}\/(tcp|udp)(:\d{1,5})?$/.test(i));
  return bad ? { problem: `expose entry "${bad}" is not <port>/<tcp|udp>[:<host port>]` } : { value: items };
});

/** ipdevext: the ipadm interface extension of Solaris crossbow; no Linux interface has one. */
export function ipdevextParser(platform: NodeJS.Platform | string): ValueParser<string> {
  return new ValueParser<string>((s) =>
    platform === 'sunos' ? { value: s.trim() } : { problem: `ipdevext is for Solaris (crossbow ipadm interfaces) and this node runs ${platform}: remove it, or scope it to the Solaris nodes (ipdevext@NODE)` },
  );
}

export const keywords = [
  kw.string('ipname', { doc: 'the service address, or a name resolving to it', required: true }),
  kw.parsed('ipdev', ipdev, { doc: 'the interface the address is added to; INTF:N forces the alias label', required: true }),
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
  kw.parsed('gateway', address, { doc: 'a default route through ipdev via this address, added once the address is up and removed before it goes', check: sameFamilyAsIpname }),
  kw.bool('alias', { doc: 'IPv4: label the address ipdev:N (the lowest free N from 1), as ifconfig aliases; false adds it to ipdev unlabelled', default: true }),
  kw.bool('check_carrier', { doc: 'no carrier on ipdev (or ipdev down) fails the start (--force overrides) and makes the status warn; false for a bridge without ports', default: true }),
  kw.parsed('dns_update', dnsUpdate, { doc: 'OpenSVC: publish the address in DNS through its collector; capsule has none, only false is accepted', default: false }),
  kw.string('dns_name_suffix', { doc: 'OpenSVC: a suffix of the DNS record dns_update publishes; accepted, unused since dns_update is false' }),
  kw.duration('wait_dns', { doc: "OpenSVC: wait after start until its cluster DNS serves the address; capsule has no cluster DNS, so there is nothing to wait for: accepted, no wait", default: 0 }),
  kw.choice('provisioner', ['collector'], { doc: "OpenSVC: the IPAM allocating the address at provision; capsule does not provision: accepted, unused" }),
  kw.parsed('network', address, { doc: 'OpenSVC: the network the provisioner allocates from; accepted, unused' }),
  kw.parsed('expose', exposeList, { doc: 'OpenSVC: <port>/<protocol>[:<host port>] published as SRV records in its cluster DNS; accepted, unused', default: [] }),
  kw.parsed('ipdevext', ipdevextParser(process.platform), { doc: 'Solaris: the ipadm interface extension (v4); refused on other systems' }),
] as const;
