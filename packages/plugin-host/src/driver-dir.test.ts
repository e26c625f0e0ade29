import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from './driver-dir.js';
import { linkSharedCopies } from './shared-links.js';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capsule-drvdir-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test('writeJsonAtomic never writes through a link planted where its temp file goes', async () => {
  const victim = join(tmp, 'victim');
  await writeFile(victim, 'untouched');
  // Every name a pid-and-clock temp file would take in the next 3 s, each a link to the victim.
  const now = Date.now();
  const planted = Array.from({ length: 3000 }, (_, i) => `.package.json.${process.pid}.${now + i}.tmp`);
  await Promise.all(planted.map((n) => symlink(victim, join(tmp, n))));
  await writeJsonAtomic(join(tmp, 'package.json'), { dependencies: {} });
  expect(await readFile(victim, 'utf8')).toBe('untouched');
  expect(JSON.parse(await readFile(join(tmp, 'package.json'), 'utf8'))).toEqual({ dependencies: {} });
  expect((await readdir(tmp)).filter((n) => n.endsWith('.tmp')).sort()).toEqual(planted.sort());
});

test.each(['@capsule/../../x', '@capsule/../core', 'left-pad', '@other/core'])('linkSharedCopies refuses to link %s', async (name) => {
  await mkdir(join(tmp, 'node_modules/@capsule'), { recursive: true });
  await expect(linkSharedCopies(tmp, { [name]: { dir: tmp, version: '1.0.0' } })).rejects.toMatchObject({ code: 'DriverPackageInvalid' });
  expect(await readdir(join(tmp, 'node_modules'))).toEqual(['@capsule']);
  expect(await readdir(join(tmp, 'node_modules/@capsule'))).toEqual([]);
});
