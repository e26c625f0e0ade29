import { keywords } from './keywords.js';

const spec = (name: string) => keywords.find((k) => k.name === name)! as { check?: (value: string, keyword: (k: string) => string | undefined) => string | undefined };
const section = (values: Record<string, string>) => (k: string) => values[k];

test.each([
  ['file', '/srv/a.img', 'loop', undefined],
  ['file', '/srv/a.img', 'vg', 'not a keyword of disk.vg; it belongs to disk.loop'],
  ['name', 'vg1', 'lvm', undefined],
  ['name', 'vg1', 'md', 'not a keyword of disk.md; it belongs to disk.vg, disk.lvm, disk.lv, disk.disk'],
  ['perm', '640', 'raw', undefined],
  ['perm', 'rw', 'raw', 'expected octal permissions like 600 or 0660, got "rw"'],
  ['uuid', '0a1b2c3d:00000000:11111111:22222222', 'md', undefined],
  ['uuid', 'abc', 'md', 'expected an md uuid of 32 hex digits (as mdadm --detail prints it), got "abc"'],
  // A type of another package (drbd...) is not this table's to judge.
  ['name', 'r0', 'drbd', undefined],
])('%s = %s in a disk.%s section: %s', (name, value, type, problem) => {
  expect(spec(name).check?.(value, section({ type }))).toBe(problem);
});

test('OpenSVC defaults', () => {
  expect(Object.fromEntries(keywords.filter((k) => 'default' in k).map((k) => [k.name, (k as { default?: unknown }).default]))).toEqual({
    promote_rw: false,
    no_preempt_abort: false,
    scsireserv: false,
    create_char_devices: true,
    spares: 0,
  });
});
