import { keywords } from './keywords.js';

const netmask = keywords.find((k) => k.name === 'netmask')!;
const check = (value: string, ipname: string | undefined) => netmask.check?.(netmask.schema.parse(value), (k) => (k === 'ipname' ? ipname : undefined));

// What `validate config` says of netmask: its form alone, then against ipname when that is an address.
test.each<[string, string | undefined, string | undefined]>([
  ['24', '198.51.100.5', undefined],
  ['255.255.255.0', '198.51.100.5', undefined],
  ['33', '198.51.100.5', 'netmask 33 is longer than the 32 bits of an IPv4 address'],
  ['33', '2001:db8::5', undefined],
  ['255.255.255.0', '2001:db8::5', 'netmask 255.255.255.0 is a dotted IPv4 mask: an IPv6 address takes a prefix length (64)'],
  // A name: its family is known at start, which checks it then.
  ['33', 'web.example.com', undefined],
])('netmask = %s with ipname = %s: %s', (value, ipname, problem) => expect(check(value, ipname)).toBe(problem));

test.each(['129', 'abc', '255.0.255.0'])('netmask = %s is refused by its parser, whatever ipname is', (value) => {
  expect(netmask.schema.safeParse(value).success).toBe(false);
});
