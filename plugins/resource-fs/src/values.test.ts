import { ownerFromString, parseSize, permFromString, shlexSplit, sizeFromString, zfsQuotaFromString } from './values.js';

const G = 1024 ** 3;

// OpenSVC's convert_size: a bare unit is 1024-based, an "i" unit 1000-based (its own convention), B is dropped.
test.each<[string, unknown]>([
  ['512M', { value: { bytes: 512 * 1024 ** 2 } }],
  ['10G', { value: { bytes: 10 * G } }],
  ['10g', { value: { bytes: 10 * G } }],
  ['10GB', { value: { bytes: 10 * G } }],
  ['1.5T', { value: { bytes: 1.5 * 1024 ** 4 } }],
  ['1,5T', { value: { bytes: 1.5 * 1024 ** 4 } }],
  ['10Gi', { value: { bytes: 10 * 1000 ** 3 } }],
  ['4096', { value: { bytes: 4096 } }],
  ['50%FREE', { value: { lvm: '50%FREE' } }],
  ['100%VG', { value: { lvm: '100%VG' } }],
  ['10X', { problem: 'expected a size like 512M, 10G or 1.5T (or N%FREE, N%VG for lvm), got "10X"' }],
  ['G', { problem: expect.stringContaining('expected a size') }],
  ['-1G', { problem: expect.stringContaining('expected a size') }],
  ['50%WHAT', { problem: expect.stringContaining('expected a size') }],
])('size = %s', (text, expected) => expect(parseSize(text)).toEqual(expected));

// Python's shlex.split, which OpenSVC applies to mkfs_opt.
test.each<[string, unknown]>([
  ['', { value: [] }],
  ['-b 4096 -L data', { value: ['-b', '4096', '-L', 'data'] }],
  ["-L 'my data'", { value: ['-L', 'my data'] }],
  ['-L "a \\"b\\""', { value: ['-L', 'a "b"'] }],
  ['-E lazy_itable_init=0,nodiscard', { value: ['-E', 'lazy_itable_init=0,nodiscard'] }],
  ["-L ''", { value: ['-L', ''] }],
  ['a\\ b c', { value: ['a b', 'c'] }],
  ["-L 'unclosed", { problem: `unbalanced ' quote in "-L 'unclosed"` }],
])('mkfs_opt = %s', (text, expected) => expect(shlexSplit(text)).toEqual(expected));

test.each<[string, string | undefined]>([
  ['755', '755'],
  ['1777', '1777'],
  [' 0750', '0750'],
  ['7777', '7777'],
  ['17777', undefined],
  ['888', undefined],
  ['rwx', undefined],
  ['', undefined],
])('perm = %s', (text, mode) => {
  const r = permFromString.safeParse(text);
  expect(r.success ? r.data : undefined).toBe(mode);
});

test.each<[string, boolean]>([
  ['root', true],
  ['1000', true],
  ['www-data', true],
  ['host$', true],
  ['a b', false],
  ['-x', false],
  ['', false],
])('user or group = %s is valid: %s', (text, ok) => expect(ownerFromString.safeParse(text).success).toBe(ok));

test.each<[string, unknown]>([
  ['none', { none: true }],
  ['x2', { times: 2 }],
  ['x1.5', { times: 1.5 }],
  ['10G', { bytes: 10 * G }],
  ['50%FREE', undefined],
  ['2x', undefined],
])('quota = %s', (text, value) => {
  const r = zfsQuotaFromString.safeParse(text);
  expect(r.success ? r.data : undefined).toEqual(value);
});

// What `print config --eval` and `get --eval` print: OpenSVC's text, never [object Object].
test.each<[string, string]>([
  ['100m', '104857600'],
  ['50%FREE', '50%FREE'],
])('size = %s prints as %s', (text, shown) => expect(String(sizeFromString.parse(text))).toBe(shown));

test.each<[string, string]>([
  ['x2', 'x2'],
  ['none', 'none'],
  ['10G', '10G'],
])('quota = %s prints as %s', (text, shown) => expect(String(zfsQuotaFromString.parse(text))).toBe(shown));
