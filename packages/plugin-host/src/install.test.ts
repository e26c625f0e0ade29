import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDriver } from './install.js';
import { discoverDrivers } from './registry.js';
import { relinkDriverDir } from './shared-links.js';
import { removeDriver, type DriverUse } from './uninstall.js';

/** This package: its own dependency on @capsule/core stands for the app's. */
const appRoot = fileURLToPath(new URL('..', import.meta.url));

let tmp: string;
const root = () => join(tmp, 'root');
const driverDir = () => join(root(), 'usr/lib/capsule/drivers');
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capsule-add-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Packs a driver as `npm pack` would: a gzip'd tar of package/. */
async function pack(pkg: Record<string, unknown>, files: Record<string, string> = {}): Promise<string> {
  const src = await mkdtemp(join(tmp, 'src-'));
  await mkdir(join(src, 'package'));
  await writeFile(join(src, 'package/package.json'), JSON.stringify(pkg));
  for (const [f, body] of Object.entries(files)) {
    await mkdir(join(src, 'package', f, '..'), { recursive: true });
    await writeFile(join(src, 'package', f), body);
  }
  const file = join(src, `${String(pkg['name']).replace('/', '-')}-${String(pkg['version'])}.tgz`);
  execFileSync('tar', ['czf', file, '-C', src, 'package']);
  return file;
}

const driver = (name: string, provides: string[], more: Record<string, unknown> = {}) => ({
  name,
  version: '1.0.0',
  type: 'module',
  exports: { '.': './index.js', './package.json': './package.json' },
  capsule: { apiVersion: 2, provides, platforms: ['linux'] },
  peerDependencies: { '@capsule/core': '>=0.1.0' },
  ...more,
});

/** Every path below the root with what it is: a failed add must leave exactly this. */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const n of (await readdir(d).catch(() => [])).sort()) {
      const p = join(d, n);
      const s = await lstat(p);
      out.push(`${p.slice(tmp.length)} ${s.isSymbolicLink() ? `-> ${await readlink(p)}` : s.isDirectory() ? 'dir' : await readFile(p, 'utf8')}`);
      if (s.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return out;
}

const registry = () => discoverDrivers({ capsuleRoot: root(), platform: 'linux' });
const add = async (spec: string, force = false) => addDriver({ spec, driverDir: driverDir(), registry: await registry(), appRoot, platform: 'linux', npmRegistry: 'http://127.0.0.1:9', force });
const remove = async (name: string, uses: DriverUse[] = [], force = false) => removeDriver({ name, driverDir: driverDir(), registry: await registry(), uses: async () => uses, appRoot, force });

test('an added driver is listed in the driver directory, with its @capsule peers linked to the app copy, and loads', async () => {
  const file = await pack(driver('acme-docker', ['container.docker']), { 'index.js': "export { CapsuleError as default } from '@capsule/core/errors';" });
  const r = await add(file);
  expect(r).toMatchObject({ name: 'acme-docker', version: '1.0.0', provides: ['container.docker'], links: ['@capsule/core'] });
  expect(JSON.parse(await readFile(join(driverDir(), 'package.json'), 'utf8'))).toMatchObject({ dependencies: { 'acme-docker': '1.0.0' } });
  expect(await realpath(join(driverDir(), 'node_modules/@capsule/core'))).toBe(await realpath(join(appRoot, 'node_modules/@capsule/core')));
  expect((await registry()).resolve('container', 'docker')).toMatchObject({ name: 'acme-docker', source: 'driver-dir', compatible: true });
  // Its import of @capsule/core resolves through the link (the default export is not a driver, which is said).
  await expect((await registry()).load('container', 'docker')).rejects.toMatchObject({ code: 'DriverBroken', message: expect.stringMatching(/is not a capsule driver/) });
  expect((await readdir(driverDir())).filter((n) => n.startsWith('.'))).toEqual([]);
});

test.each([
  ['a path traversal', async () => {
    const src = await mkdtemp(join(tmp, 'evil-'));
    await mkdir(join(src, 'package'));
    await writeFile(join(src, 'package/package.json'), JSON.stringify(driver('evil', ['container.evil'])));
    await writeFile(join(src, 'x'), 'owned');
    // -P: GNU tar would otherwise strip the `..` it is asked to store.
    execFileSync('tar', ['czPf', join(src, 'evil.tgz'), '-C', src, 'package/package.json', 'package/../x']);
    return join(src, 'evil.tgz');
  }, 'DriverPackageInvalid'],
  ['a type another driver provides', () => pack(driver('acme-other', ['container.docker'])), 'DriverProvidesConflict'],
  ['an unbundled dependency', () => pack(driver('acme-deps', ['container.deps'], { dependencies: { 'left-pad': '1' } })), 'DriverDependenciesNotBundled'],
  ['a peer range excluding this core', () => pack(driver('acme-old', ['container.old'], { peerDependencies: { '@capsule/core': '^9.0.0' } })), 'DriverPeerUnsatisfied'],
  ['another platform', () => pack(driver('acme-bsd', ['container.bsd'], { capsule: { apiVersion: 2, provides: ['container.bsd'], platforms: ['freebsd'] } })), 'DriverIncompatible'],
])('%s is refused and leaves the node exactly as before', async (_what, make, code) => {
  await add(await pack(driver('acme-docker', ['container.docker'])));
  const before = await tree(root());
  const file = await make();
  await expect(add(file)).rejects.toMatchObject({ code });
  expect(await tree(root())).toEqual(before);
});

test('a refused first add leaves not even the driver directory', async () => {
  await expect(add(await pack(driver('acme-deps', ['container.deps'], { dependencies: { 'left-pad': '1' } })))).rejects.toMatchObject({ code: 'DriverDependenciesNotBundled' });
  expect(existsSync(root())).toBe(false);
});

test('--force takes a type over; a new version replaces the old one in place', async () => {
  await add(await pack(driver('acme-docker', ['container.docker'])));
  expect(await add(await pack(driver('acme-other', ['container.docker'])), true)).toMatchObject({ replaces: [{ provides: 'container.docker', by: 'acme-docker@1.0.0' }] });
  const r = await add(await pack({ ...driver('acme-docker', ['container.docker']), version: '1.1.0' }), true);
  expect(r).toMatchObject({ version: '1.1.0', previous: '1.0.0' });
  expect(JSON.parse(await readFile(join(driverDir(), 'node_modules/acme-docker/package.json'), 'utf8')).version).toBe('1.1.0');
});

test('remove: refused while a service needs it, then recorded so the error names the package to add back', async () => {
  await add(await pack(driver('acme-docker', ['container.docker'])));
  const uses = [{ service: 'web', group: 'container', type: 'docker' }, { service: 'db', group: 'fs', type: 'ext4' }];
  await expect(remove('acme-docker', uses)).rejects.toMatchObject({ code: 'DriverInUse', message: expect.stringContaining('container.docker, used by service web') });
  expect(await remove('acme-docker', uses, true)).toMatchObject({ broken: [{ service: 'web', provides: 'container.docker' }] });
  expect(existsSync(join(driverDir(), 'node_modules/acme-docker'))).toBe(false);
  expect(existsSync(join(driverDir(), 'node_modules/@capsule/core'))).toBe(false);
  expect(JSON.parse(await readFile(join(driverDir(), 'package.json'), 'utf8')).dependencies).toEqual({});
  const reg = await registry();
  expect(() => reg.resolve('container', 'docker')).toThrow(expect.objectContaining({ code: 'DriverNotInstalled', hint: expect.stringContaining('nodemgr driver add acme-docker') }));
  // Added back: the record is gone.
  await add(await pack(driver('acme-docker', ['container.docker'])));
  expect(JSON.parse(await readFile(join(driverDir(), 'removed.json'), 'utf8'))).toEqual({});
});

test('remove refuses a package the driver directory does not hold', async () => {
  await expect(remove('nope')).rejects.toMatchObject({ code: 'DriverNotRemovable', message: expect.stringMatching(/nope: it is not installed in/) });
});

test.each([
  ['a peer name leading out of the scope, with no range', { peerDependencies: { '@capsule/../../../core': null } }, /peerDependencies name "@capsule\/\.\.\/\.\.\/\.\.\/core", which is not an npm package name/],
  ['a peer name leading out of the scope', { peerDependencies: { '@capsule/core': '>=0.1.0', '@capsule/../../../core': '*' } }, /not an npm package name/],
  ['a dependency with no range', { dependencies: { 'left-pad': null } }, /its dependencies give left-pad the range null, which is not a string/],
  ['a @capsule peer with no range', { peerDependencies: { '@capsule/core': null } }, /give @capsule\/core the range null/],
  ['the name of the shared core', { name: '@capsule/core' }, /@capsule\/core is a package of capsule itself/],
  ['the name of the shared driver kit', { name: '@capsule/driver-kit' }, /@capsule\/driver-kit is a package of capsule itself/],
  ['the name of the app itself', { name: '@capsule/plugin-host' }, /@capsule\/plugin-host is a package of capsule itself/],
  ['the name of a package the app resolves', { name: '@capsule/tsconfig' }, /@capsule\/tsconfig is a package of capsule itself/],
])('%s is refused, no link made anywhere', async (_what, more, message) => {
  await add(await pack(driver('acme-docker', ['container.docker'])));
  const before = await tree(tmp);
  const file = await pack(driver('acme-evil', ['container.evil'], more));
  const after = await tree(tmp);
  await expect(add(file)).rejects.toMatchObject({ code: 'DriverPackageInvalid', message: expect.stringMatching(message) });
  expect(await tree(tmp)).toEqual(after);
  expect(after.filter((l) => !before.includes(l)).every((l) => l.includes('/src-'))).toBe(true);
});

test('remove refuses a name that is not a package name before touching anything', async () => {
  await add(await pack(driver('acme-docker', ['container.docker'])));
  // A package.json edited to list it: the name alone must not lead out of node_modules.
  const owner = JSON.parse(await readFile(join(driverDir(), 'package.json'), 'utf8'));
  await writeFile(join(driverDir(), 'package.json'), JSON.stringify({ ...owner, dependencies: { ...owner.dependencies, '../../victim': '1.0.0' } }));
  await mkdir(join(driverDir(), 'victim'));
  await expect(remove('../../victim')).rejects.toMatchObject({ code: 'DriverNotRemovable', message: 'cannot remove ../../victim: it is not an npm package name' });
  expect(existsSync(join(driverDir(), 'victim'))).toBe(true);
});

test('stages of an add or remove that died over an hour ago are cleaned up; a recent one is left', async () => {
  await add(await pack(driver('acme-docker', ['container.docker'])));
  const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
  for (const n of ['.add-old', '.remove-old', '.add-recent', '.other-old']) {
    await mkdir(join(driverDir(), n, 'package'), { recursive: true });
    if (n.endsWith('-old')) await utimes(join(driverDir(), n), old, old);
  }
  await add(await pack(driver('acme-two', ['container.two'])));
  expect((await readdir(driverDir())).filter((n) => n.startsWith('.')).sort()).toEqual(['.add-recent', '.other-old']);
  await utimes(join(driverDir(), '.add-recent'), old, old);
  await remove('acme-two');
  expect((await readdir(driverDir())).filter((n) => n.startsWith('.')).sort()).toEqual(['.other-old']);
});

test('relink: a link left pointing at a capsule that an upgrade deleted is re-pointed at the running one', async () => {
  await add(await pack(driver('acme-docker', ['container.docker']), { 'index.js': "export { CapsuleError as default } from '@capsule/core/errors';" }));
  const link = join(driverDir(), 'node_modules/@capsule/core');
  const current = await readlink(link);
  // As /usr/lib/capsule/0.1.0-1/... once dpkg has removed the old version.
  const gone = join(tmp, 'usr/lib/capsule/0.1.0-1/lib/node_modules/@capsule/core');
  await rm(link);
  await symlink(gone, link);
  // And the temp link of a relink that died before its rename.
  await symlink(gone, join(driverDir(), 'node_modules/@capsule/.0a1b2c3d4e5f.link'));
  await expect((await registry()).load('container', 'docker')).rejects.toMatchObject({ code: 'DriverBroken', message: expect.not.stringMatching(/is not a capsule driver/) });

  const reg = await registry();
  expect(await relinkDriverDir(driverDir(), reg, appRoot)).toEqual({ relinked: [{ name: '@capsule/core', from: gone, to: current }], unresolved: [] });
  expect(await readlink(link)).toBe(current);
  // Loading it again is the CLI test's (driver-admin.test.ts): this process's module cache keeps the failed import.
  expect(existsSync(join(link, 'package.json'))).toBe(true);
  // Again: nothing to do. No driver directory: nothing to do either.
  expect(await relinkDriverDir(driverDir(), reg, appRoot)).toEqual({ relinked: [], unresolved: [] });
  expect(await relinkDriverDir(join(tmp, 'none'), reg, appRoot)).toEqual({ relinked: [], unresolved: [] });
  expect(existsSync(join(tmp, 'none'))).toBe(false);
  expect((await readdir(join(driverDir(), 'node_modules/@capsule')))).toEqual(['core']);
});

test('add and remove relink the other drivers\' links on the way', async () => {
  await add(await pack(driver('acme-docker', ['container.docker'])));
  const link = join(driverDir(), 'node_modules/@capsule/core');
  const current = await readlink(link);
  await rm(link);
  await symlink(join(tmp, 'gone'), link);
  const r = await add(await pack(driver('acme-two', ['container.two'], { peerDependencies: {} })));
  expect(r.relinked).toEqual([{ name: '@capsule/core', from: join(tmp, 'gone'), to: current }]);
  await rm(link);
  await symlink(join(tmp, 'gone'), link);
  expect((await remove('acme-two')).relinked).toEqual([{ name: '@capsule/core', from: join(tmp, 'gone'), to: current }]);
});
