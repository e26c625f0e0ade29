import { keywords } from './keywords.js';

const spec = (name: string) => keywords.find((k) => k.name === name)!;

/** What `validate config` says of one value: its parser's complaint, then its check against the section. */
function problem(name: string, value: string, section: Record<string, string> = {}): string | undefined {
  const k = spec(name);
  const r = k.schema.safeParse(value);
  if (!r.success) return r.error.issues.map((i) => i.message).join('; ');
  return (k.check as ((v: unknown, other: (n: string) => string | undefined) => string | undefined) | undefined)?.(r.data, (n) => section[n]);
}

test.each<[string, string, Record<string, string>, string | undefined]>([
  ['mnt', '/srv/data', {}, undefined],
  ['mnt', 'data', {}, 'expected an absolute path (starting with /), got "data"'],
  ['mnt', '../data', {}, 'expected an absolute path (starting with /), got "../data"'],
  ['user', 'www-data', {}, undefined],
  ['group', '100', {}, undefined],
  ['perm', '1777', {}, undefined],
  ['perm', 'a+w', {}, 'expected octal permissions like 755 or 1777, got "a+w"'],
  ['stat_timeout', '10s', {}, undefined],
  ['stat_timeout', 'soon', {}, 'expected a duration like 30, 30s, 5m or 1h30m, got "soon"'],
  ['size', '10G', {}, undefined],
  ['size', '10 parsecs', {}, expect.stringContaining('expected a size') as unknown as string],
  ['mkfs_opt', '-L "data', {}, 'unbalanced " quote in "-L "data"'],
  ['vg', 'vgdata', {}, undefined],
  ['quota', 'x2', { type: 'zfs' }, undefined],
  ['refquota', '10G', { type: 'zfs' }, undefined],
  ['quota', 'x2', { type: 'ext4' }, 'quota applies to type = zfs only (this section is type = ext4); remove it'],
  ['refquota', 'none', {}, 'refquota applies to type = zfs only (this section is type = unset); remove it'],
  // Read from OpenSVC b2.1 files (found unknown by tooling/opensvc-diff).
  ['create_options', '--addtag data', {}, undefined],
  ['reservation', 'x2', { type: 'zfs' }, undefined],
  ['refreservation', '5G', { type: 'ext4' }, 'refreservation applies to type = zfs only (this section is type = ext4); remove it'],
  ['check_read', 'true', {}, undefined],
  ['zone', 'z1', {}, expect.stringContaining('zone = z1: mounting into a Solaris zone\'s root is not supported') as unknown as string],
])('%s = %s (section %j): %s', (name, value, section, expected) => expect(problem(name, value, section)).toEqual(expected));

// OpenSVC's defaults, as a section without the keyword gets them.
test.each<[string, unknown]>([
  ['stat_timeout', 5],
  ['mkfs_opt', []],
  ['refquota', { times: 1 }],
  ['quota', undefined],
  ['size', undefined],
  ['user', undefined],
])('default of %s is %j', (name, value) => expect(spec(name).default).toEqual(value));
