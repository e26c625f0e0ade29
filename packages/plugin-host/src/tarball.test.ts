import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readTarball, writeEntries } from './tarball.js';

/** A ustar archive written by hand: tar programs refuse to write the hostile entries tested here. */
function tgz(entries: Array<{ name: string; type?: string; body?: string; mode?: number; link?: string }>): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100);
    h.write(`${(e.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100);
    h.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
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

test('a long name from a pax header is checked like any other', () => {
  const record = (k: string, v: string) => {
    const body = ` ${k}=${v}\n`;
    let n = body.length + 1;
    while (String(n).length + body.length !== n) n++;
    return `${n}${body}`;
  };
  expect(() => readTarball(tgz([pkg, { name: 'PaxHeader', type: 'x', body: record('path', 'package/../../escape') }, { name: 'package/short', body: 'x' }]), 'x.tgz')).toThrow(/entry "package\/\.\.\/\.\.\/escape" leaves/);
});
