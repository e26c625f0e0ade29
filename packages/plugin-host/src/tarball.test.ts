import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MAX_ENTRIES, readTarball, writeEntries } from './tarball.js';

/** A ustar archive written by hand: tar programs refuse to write the hostile entries tested here. */
function tgz(entries: Array<{ name: string; type?: string; body?: string | Buffer; mode?: number; link?: string; size?: string | Buffer }>): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100);
    h.write(`${(e.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100);
    // `size`: the raw size field, for the hostile ones.
    if (Buffer.isBuffer(e.size)) e.size.copy(h, 124);
    else h.write(e.size ?? `${body.length.toString(8).padStart(11, '0')}\0`, 124, 12);
    h.write(e.type ?? '0', 156);
    if (e.link) h.write(e.link, 157, 100);
    h.write('ustar\0', 257);
    h.fill(32, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  return gzipSync(Buffer.concat([...blocks, Buffer.alloc(1024)]));
}

const pkg = { name: 'package/package.json', body: '{"name":"x","version":"1.0.0"}' };

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capsule-tar-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test('a packed package is unpacked below the directory, modes kept as 644 or 755', async () => {
  const entries = readTarball(tgz([pkg, { name: 'package/dist/', type: '5' }, { name: 'package/dist/index.js', body: 'export {}' }, { name: 'package/bin/x', body: '#!/bin/sh', mode: 0o775 }]), 'x.tgz');
  await writeEntries(entries, join(tmp, 'out'));
  expect(await readFile(join(tmp, 'out/dist/index.js'), 'utf8')).toBe('export {}');
  expect((await stat(join(tmp, 'out/bin/x'))).mode & 0o111).not.toBe(0);
  expect((await stat(join(tmp, 'out/package.json'))).mode & 0o111).toBe(0);
});

test.each([
  ['a path leaving the package', [pkg, { name: 'package/../x', body: 'owned' }], /entry "package\/\.\.\/x" leaves the package directory/],
  ['a deeper path leaving it', [pkg, { name: 'package/dist/../../../etc/x', body: 'owned' }], /leaves the package directory/],
  ['an absolute path', [pkg, { name: '/etc/x', body: 'owned' }], /entry "\/etc\/x" is not a relative path/],
  ['an entry outside package/', [pkg, { name: 'other/x', body: '' }], /entry "other\/x" is not under package\//],
  ['a symbolic link', [pkg, { name: 'package/l', type: '2', link: '/etc/passwd' }], /entry "package\/l" is a symbolic link/],
  ['a hard link', [pkg, { name: 'package/l', type: '1', link: 'package/package.json' }], /is a hard link/],
  ['a device', [pkg, { name: 'package/d', type: '3' }], /special file \(tar type 3\)/],
  ['no package.json', [{ name: 'package/index.js', body: '' }], /no package\/package\.json/],
])('%s is refused before anything is written', (_what, entries, message) => {
  expect(() => readTarball(tgz(entries), 'x.tgz')).toThrow(expect.objectContaining({ code: 'DriverPackageInvalid', message: expect.stringMatching(message) }));
  expect(existsSync(join(tmp, 'x'))).toBe(false);
});

test.each([
  ['not gzip', Buffer.from('hello'), /not a gzip'd tarball/],
  ['a corrupt header', gzipSync(Buffer.concat([Buffer.from('package/package.json'), Buffer.alloc(1004, 1)])), /corrupt tar header at byte 0/],
])('%s is DriverPackageInvalid', (_what, bytes, message) => {
  expect(() => readTarball(bytes, 'x.tgz')).toThrow(expect.objectContaining({ code: 'DriverPackageInvalid', message: expect.stringMatching(message) }));
});

const record = (k: string, v: string) => {
  const body = ` ${k}=${v}\n`;
  let n = body.length + 1;
  while (String(n).length + body.length !== n) n++;
  return `${n}${body}`;
};

test('a long name from a pax header is checked like any other', () => {
  expect(() => readTarball(tgz([pkg, { name: 'PaxHeader', type: 'x', body: record('path', 'package/../../escape') }, { name: 'package/short', body: 'x' }]), 'x.tgz')).toThrow(/entry "package\/\.\.\/\.\.\/escape" leaves/);
});

// Each of these once looped forever, ran out of memory, or wrote what was not checked.
test.each([
  ['a second package/package.json', [pkg, { name: 'package/package.json', body: '{"name":"x","version":"1.0.0","capsule":"unchecked"}' }], /entry "package\/package\.json" appears twice/],
  ['the same path spelt differently', [pkg, { name: 'package/a.js', body: '1' }, { name: 'package/./a.js', body: '2' }], /entry "package\/\.\/a\.js" appears twice/],
  ['a pax record of length 0', [pkg, { name: 'PaxHeader', type: 'x', body: '0 a=b\n' }, { name: 'package/a', body: '' }], /malformed pax header record at byte 0/],
  ['a pax record longer than its block', [pkg, { name: 'PaxHeader', type: 'x', body: '99 path=package/a\n' }, { name: 'package/a', body: '' }], /malformed pax header record/],
  ['a pax record shorter than its length prefix', [pkg, { name: 'PaxHeader', type: 'x', body: '2 ab' }, { name: 'package/a', body: '' }], /malformed pax header record/],
  ['a negative size', [pkg, { name: 'package/a', size: '-1000' }], /the tar header at byte 1024 has an invalid size field/],
  ['a size that is not octal', [pkg, { name: 'package/a', size: '00000000009\0' }], /invalid size field/],
  ['a base-256 size', [pkg, { name: 'package/a', size: Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) }], /invalid size field/],
])('%s is refused', (_what, entries, message) => {
  expect(() => readTarball(tgz(entries), 'x.tgz')).toThrow(expect.objectContaining({ code: 'DriverPackageInvalid', message: expect.stringMatching(message) }));
});

test('the number of entries is bounded', () => {
  const many = Array.from({ length: MAX_ENTRIES }, (_, i) => ({ name: `package/f${i}` }));
  expect(() => readTarball(tgz([pkg, ...many]), 'x.tgz')).toThrow(expect.objectContaining({ code: 'DriverPackageInvalid', message: expect.stringMatching(`more than ${MAX_ENTRIES} entries`) }));
});

test('a pax header of many records is read in linear time', () => {
  const body = Buffer.from(record('comment', 'x').repeat(200_000) + record('path', 'package/long-name.js'));
  const started = Date.now();
  const entries = readTarball(tgz([pkg, { name: 'PaxHeader', type: 'x', body }, { name: 'package/short', body: 'x' }]), 'x.tgz');
  expect(entries.map((e) => e.path)).toEqual(['package.json', 'long-name.js']);
  expect(Date.now() - started).toBeLessThan(5000);
});
