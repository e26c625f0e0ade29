import { ipdevextParser, keywords } from './keywords.js';

const spec = (name: string) => keywords.find((k) => k.name === name)!;

/** What `validate config` says of one value: its parser's complaint, then its check against the section. */
function problem(name: string, value: string, section: Record<string, string> = {}): string | undefined {
  const k = spec(name);
  const r = k.schema.safeParse(value);
  if (!r.success) return r.error.issues.map((i) => i.message).join('; ');
  return (k.check as ((v: unknown, other: (n: string) => string | undefined) => string | undefined) | undefined)?.(r.data, (n) => section[n]);
}

const v4 = { ipname: '198.51.100.5' };
const v6 = { ipname: '2001:db8::5' };
const name = { ipname: 'web.example.com' };

test.each<[string, string, Record<string, string>, string | undefined]>([
  // netmask: its form alone, then against ipname when that is an address; a name's family is known at start.
  ['netmask', '24', v4, undefined],
  ['netmask', '255.255.255.0', v4, undefined],
  ['netmask', '33', v4, 'netmask 33 is longer than the 32 bits of an IPv4 address'],
  ['netmask', '33', v6, undefined],
  ['netmask', '255.255.255.0', v6, 'netmask 255.255.255.0 is a dotted IPv4 mask: an IPv6 address takes a prefix length (64)'],
  ['netmask', '33', name, undefined],
  ['netmask', '129', v6, 'netmask 129 is longer than the 128 bits of an IPv6 address'],
  ['netmask', 'abc', v4, 'netmask "abc" is neither a prefix length nor a dotted mask'],
  ['netmask', '255.0.255.0', v4, 'netmask 255.0.255.0 is not a mask: its ones are not all before its zeros'],
  // ipdev: an interface, or OpenSVC's INTF:N alias.
  ['ipdev', 'eth0', v4, undefined],
  ['ipdev', 'eth0:3', v4, undefined],
  ['ipdev', 'bond0.100', v4, undefined],
  ['ipdev', 'mv0@eth0', v4, 'ipdev mv0@eth0: a macvtap interface created by the resource (NAME@INTF) is not supported; create the interface and name it in ipdev'],
  ['ipdev', 'eth0:x', v4, 'expected an interface name, or INTERFACE:N for an alias label, got "eth0:x"'],
  ['ipdev', 'averyverylongif:1', v4, 'ipdev averyverylongif:1 is longer than the 15 characters of an interface name or label'],
  // gateway: an address of ipname's family.
  ['gateway', '198.51.100.1', v4, undefined],
  ['gateway', '198.51.100.1', name, undefined],
  ['gateway', '2001:db8::1', v4, 'gateway 2001:db8::1 is an IPv6 address, ipname 198.51.100.5 an IPv4 one'],
  ['gateway', 'router', v4, 'expected an IPv4 or IPv6 address, got "router"'],
  ['alias', 'false', v4, undefined],
  ['alias', 'maybe', v4, 'expected a boolean (true/false, yes/no), got "maybe"'],
  ['check_carrier', 'no', v4, undefined],
  // dns_update: capsule has no collector; true is refused, never silently dropped.
  ['dns_update', 'false', v4, undefined],
  ['dns_update', 'true', v4, expect.stringMatching(/^dns_update = true needs OpenSVC's collector .*: set dns_update = false/) as unknown as string],
  ['dns_name_suffix', 'prd', v4, undefined],
  ['wait_dns', '10s', v4, undefined],
  ['wait_dns', 'later', v4, 'expected a duration like 30, 30s, 5m or 1h30m, got "later"'],
  ['provisioner', 'collector', v4, undefined],
  ['provisioner', 'dhcp', v4, 'expected one of "collector", got "dhcp"'],
  ['network', '198.51.100.0', v4, undefined],
  ['expose', '443/tcp:8443 53/udp', v4, undefined],
  ['expose', '443', v4, 'expose entry "443" is not <port>/<tcp|udp>[:<host port>]'],
])('%s = %s (section %j): %s', (keyword, value, section, expected) => expect(problem(keyword, value, section)).toEqual(expected));

// OpenSVC's defaults.
test.each<[string, unknown]>([
  ['alias', true],
  ['check_carrier', true],
  ['dns_update', false],
  ['wait_dns', 0],
  ['expose', []],
  ['gateway', undefined],
  ['ipdevext', undefined],
])('default of %s is %j', (keyword, value) => expect(spec(keyword).default).toEqual(value));

test.each<[string, boolean]>([
  ['sunos', true],
  ['linux', false],
  ['freebsd', false],
])('ipdevext on %s is accepted: %s', (platform, ok) => {
  const r = ipdevextParser(platform).safeParse('v4');
  expect(r.success).toBe(ok);
  if (!r.success) expect(r.error.issues[0]!.message).toBe(`ipdevext is for Solaris (crossbow ipadm interfaces) and this node runs ${platform}: remove it, or scope it to the Solaris nodes (ipdevext@NODE)`);
});
