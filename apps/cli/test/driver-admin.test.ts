// nodemgr driver add|list|remove run as an administrator would: small
// third-party drivers packed with tar as `npm pack` does, installed into a
// throwaway CAPSULE_ROOT from the file or from a registry served here, and a
// service using one of them validated and started before and after its
// driver is removed.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliEntry, cliProcess } from './cli.js';

let tmp: string;
let root: string;
let drivers: string;
const env = () => ({ CAPSULE_ROOT: root });
const nodemgr = (...args: string[]) => cli('nodemgr', args, env());
const svcmgr = (...args: string[]) => cli('svcmgr', ['-s', 'toy', ...args], env());

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capsule-drvadm-'));
  root = join(tmp, 'root');
  drivers = join(root, 'usr/lib/capsule/drivers');
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
  // A service using the third-party type: [disk] has no default driver, so nothing else serves it.
  await writeFile(join(root, 'etc/capsule/toy.conf'), '[DEFAULT]\nnodes = hv1\n\n[disk#1]\ntype = toy\n');
});
afterEach(() => rm(tmp, { recursive: true, force: true }));

interface Toy {
  name?: string;
  version?: string;
  provides?: string;
  platforms?: string[];
  more?: Record<string, unknown>;
  files?: Record<string, string>;
}

/** A driver of `provides` (disk.toy) using @capsule/core and @capsule/driver-kit as peers, packed as package/ in a .tgz. */
async function toy(t: Toy = {}): Promise<{ file: string; bytes: Buffer }> {
  const name = t.name ?? 'acme-capsule-toy';
  const version = t.version ?? '1.0.0';
  const provides = t.provides ?? 'disk.toy';
  const src = await mkdtemp(join(tmp, 'pkg-'));
  const pkg = {
    name,
    version,
    type: 'module',
    exports: { '.': './dist/index.js', './package.json': './package.json' },
    capsule: { apiVersion: 2, provides: [provides], platforms: t.platforms ?? ['any'] },
    peerDependencies: { '@capsule/core': '^0.1.0', '@capsule/driver-kit': '>=0.1.0' },
    ...t.more,
  };
  const files: Record<string, string> = {
    'package.json': JSON.stringify(pkg),
    'dist/index.js': `import { defineDriver } from '@capsule/core';
import '@capsule/driver-kit';
export default defineDriver({
  provides: [${JSON.stringify(provides)}],
  keywords: [],
  create: (init) => ({ rid: init.rid, label: () => ${JSON.stringify(`${name} ${version}`)}, start: async () => {}, stop: async () => {}, status: async () => ({ status: 'up', log: [] }) }),
});
`,
    ...t.files,
  };
  for (const [f, body] of Object.entries(files)) {
    await mkdir(join(src, 'package', f, '..'), { recursive: true });
    await writeFile(join(src, 'package', f), body);
  }
  const file = join(src, `${name.replace('/', '-')}-${version}.tgz`);
  execFileSync('tar', ['czf', file, '-C', src, 'package']);
  return { file, bytes: await readFile(file) };
}

const listed = () => JSON.parse(nodemgr('driver', 'list', '--format', 'json').stdout) as Array<{ name: string; version: string; source: string; compatible: boolean; provides: string[] }>;
const ownerDeps = async () => (JSON.parse(await readFile(join(drivers, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;

test('add, list, use, remove: the service fails with DriverNotInstalled naming the package to add back', async () => {
  const { file } = await toy();
  const added = nodemgr('driver', 'add', file);
  expect(added).toMatchObject({ code: 0, stdout: `added acme-capsule-toy@1.0.0 to ${drivers}: provides disk.toy\n` });
  expect(await readlink(join(drivers, 'node_modules/@capsule/core'))).toMatch(/packages\/core$/);
  expect(listed()).toContainEqual(expect.objectContaining({ name: 'acme-capsule-toy', version: '1.0.0', source: 'driver-dir', compatible: true, provides: ['disk.toy'] }));
  expect(nodemgr('driver', 'list').stdout).toMatch(/^driver-dir\s+acme-capsule-toy\s+1\.0\.0\s+disk\.toy\s+any\s+-\s+yes$/m);
  // The old name stays.
  expect(nodemgr('drivers').stdout).toContain('acme-capsule-toy');

  expect(svcmgr('validate', 'config')).toMatchObject({ code: 0 });
  expect(svcmgr('start')).toMatchObject({ code: 0 });
  expect(svcmgr('print', 'status', '--refresh').stdout).toMatch(/disk#1\s+\.+\s+up\s+acme-capsule-toy 1\.0\.0/);

  const refused = nodemgr('driver', 'remove', 'acme-capsule-toy');
  expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('error: acme-capsule-toy is the only driver providing disk.toy, used by service toy on this node') });
  expect(await ownerDeps()).toEqual({ 'acme-capsule-toy': '1.0.0' });

  const removed = nodemgr('driver', 'remove', 'acme-capsule-toy', '--force');
  expect(removed).toMatchObject({ code: 0, stdout: `removed acme-capsule-toy@1.0.0 from ${drivers}: disk.toy no longer provided by it\n` });
  expect(removed.stderr).toContain('warning: service toy uses disk.toy');
  expect(await ownerDeps()).toEqual({});
  expect(existsSync(join(drivers, 'node_modules/acme-capsule-toy'))).toBe(false);
  expect(existsSync(join(drivers, 'node_modules/@capsule'))).toBe(false);
  expect(listed().map((d) => d.name)).not.toContain('acme-capsule-toy');

  const notInstalled = /no installed driver provides disk type "toy" \(acme-capsule-toy@1\.0\.0 provided it until `nodemgr driver remove`\)\n\s+hint: add it back with `nodemgr driver add acme-capsule-toy`/;
  const validate = svcmgr('validate', 'config');
  expect(validate).toMatchObject({ code: 2, stderr: expect.stringMatching(notInstalled) });
  expect(JSON.parse(svcmgr('validate', 'config', '--format', 'json').stdout)).toMatchObject({ valid: true, issues: [expect.objectContaining({ severity: 'warning', hint: expect.stringContaining('nodemgr driver add acme-capsule-toy') })] });
  for (const action of [['stop'], ['start']]) expect(svcmgr(...action)).toMatchObject({ code: 1, stderr: expect.stringMatching(notInstalled) });
  expect(svcmgr('print', 'status', '--refresh').stdout).toMatch(/disk#1\s+\.+\s+warn[\s\S]*no installed driver provides disk type "toy" \(acme-capsule-toy@1\.0\.0/);

  // Added back: usable again, the record gone.
  expect(nodemgr('driver', 'add', file).code).toBe(0);
  expect(svcmgr('validate', 'config').code).toBe(0);
  expect(JSON.parse(await readFile(join(drivers, 'removed.json'), 'utf8'))).toEqual({});
});

test.each<[string, () => Promise<string>, string, RegExp]>([
  [
    'a path leaving the package',
    async () => {
      const src = await mkdtemp(join(tmp, 'evil-'));
      await mkdir(join(src, 'package'));
      await writeFile(join(src, 'package/package.json'), JSON.stringify({ name: 'evil', version: '1.0.0', capsule: { apiVersion: 2, provides: ['disk.evil'], platforms: ['any'] } }));
      await writeFile(join(src, 'x'), 'owned');
      // -P: GNU tar would otherwise strip the `..` it is asked to store.
      execFileSync('tar', ['czPf', join(src, 'evil.tgz'), '-C', src, 'package/package.json', 'package/../x']);
      return join(src, 'evil.tgz');
    },
    'DriverPackageInvalid',
    /entry "package\/\.\.\/x" leaves the package directory/,
  ],
  ['a type another driver provides', async () => (await toy({ name: 'other-toy' })).file, 'DriverProvidesConflict', /other-toy provides disk\.toy \(provided by acme-capsule-toy@1\.0\.0\)[\s\S]*hint: add it with --force/],
  ['a type a bundled driver provides', async () => (await toy({ name: 'acme-ip', provides: 'ip' })).file, 'DriverProvidesConflict', /acme-ip provides ip \(provided by @capsule\/resource-ip@/],
  ['an unbundled dependency', async () => (await toy({ name: 'deps-toy', provides: 'disk.deps', more: { dependencies: { 'left-pad': '^1.3.0' } } })).file, 'DriverDependenciesNotBundled', /deps-toy depends on left-pad, which its package does not bundle\n\s+hint: list it in "bundleDependencies"/],
  ['a core range this capsule is not in', async () => (await toy({ name: 'old-toy', provides: 'disk.old', more: { peerDependencies: { '@capsule/core': '^2.0.0' } } })).file, 'DriverPeerUnsatisfied', /old-toy needs @capsule\/core@\^2\.0\.0, but this capsule runs @capsule\/core@0\./],
  ['another platform', async () => (await toy({ name: 'bsd-toy', provides: 'disk.bsd', platforms: ['freebsd'] })).file, 'DriverIncompatible', /bsd-toy@1\.0\.0 cannot be used on this node: runs on freebsd, not linux/],
  ['another driver API', async () => (await toy({ name: 'v1-toy', provides: 'disk.v1', more: { capsule: { apiVersion: 1, provides: ['disk.v1'], platforms: ['any'] } } })).file, 'DriverIncompatible', /driver API version 1, this capsule speaks 2/],
  ['no manifest', async () => (await toy({ name: 'left-pad', more: { capsule: undefined } })).file, 'DriverPackageInvalid', /left-pad has no "capsule" manifest/],
])('%s is refused by name and leaves the driver directory as it was', async (_what, make, code, message) => {
  expect(nodemgr('driver', 'add', (await toy()).file).code).toBe(0);
  const before = await readFile(join(drivers, 'package.json'), 'utf8');
  const r = nodemgr('driver', 'add', await make());
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(message);
  expect(JSON.parse(cli('nodemgr', ['driver', 'add', await make(), '--format', 'json'], env()).stderr)).toMatchObject({ error: { code } });
  expect(await readFile(join(drivers, 'package.json'), 'utf8')).toBe(before);
  expect(existsSync(join(drivers, 'x'))).toBe(false);
  expect(svcmgr('validate', 'config').code).toBe(0);
});

test('a bundled dependency is accepted; --force takes a type over and says from whom', async () => {
  const bundled = await toy({ name: 'bundled-toy', provides: 'disk.bundled', more: { dependencies: { 'left-pad': '^1.3.0' }, bundleDependencies: ['left-pad'] }, files: { 'node_modules/left-pad/package.json': '{"name":"left-pad","version":"1.3.0"}' } });
  expect(nodemgr('driver', 'add', bundled.file).code).toBe(0);
  expect(nodemgr('driver', 'add', (await toy()).file).code).toBe(0);
  const forced = nodemgr('driver', 'add', (await toy({ name: 'other-toy', version: '2.0.0' })).file, '--force');
  expect(forced).toMatchObject({ code: 0, stdout: expect.stringContaining('disk.toy is now served by other-toy, not acme-capsule-toy@1.0.0') });
  expect(svcmgr('print', 'status', '--refresh').stdout).toMatch(/disk#1\s+\.+\s+up\s+other-toy 2\.0\.0/);
  // Removing the one used leaves the other provider: nothing to refuse.
  expect(nodemgr('driver', 'remove', 'other-toy')).toMatchObject({ code: 0, stderr: '' });
  expect(svcmgr('print', 'status', '--refresh').stdout).toMatch(/disk#1\s+\.+\s+up\s+acme-capsule-toy 1\.0\.0/);
});

test.each([
  [['driver', 'remove', 'nope'], /cannot remove nope: it is not installed in/],
  [['driver', 'remove', '@capsule/resource-ip'], /cannot remove @capsule\/resource-ip: it is bundled with this capsule/],
])('nodemgr %j is DriverNotRemovable', (args, message) => {
  const r = cli('nodemgr', [...args, '--format', 'json'], env());
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'DriverNotRemovable', message: expect.stringMatching(message) } });
});

test('an upgrade deleting the capsule the links name breaks the drivers; nodemgr driver relink repairs them', async () => {
  expect(nodemgr('driver', 'add', (await toy()).file).code).toBe(0);
  expect(svcmgr('validate', 'config').code).toBe(0);
  // As the Debian package lays it out: the links name /usr/lib/capsule/VERSION/..., which the next version's upgrade deletes.
  const old = join(tmp, 'usr/lib/capsule/0.1.0-1/lib/node_modules');
  const current: Record<string, string> = {};
  await mkdir(join(old, '@capsule'), { recursive: true });
  for (const pkg of ['core', 'driver-kit']) {
    const link = join(drivers, 'node_modules/@capsule', pkg);
    current[pkg] = await readlink(link);
    await symlink(current[pkg], join(old, '@capsule', pkg));
    await rm(link);
    await symlink(join(old, '@capsule', pkg), link);
  }
  expect(svcmgr('validate', 'config').code).toBe(0);
  await rm(join(tmp, 'usr/lib/capsule/0.1.0-1'), { recursive: true });

  const broken = svcmgr('validate', 'config');
  expect(broken.code).not.toBe(0);
  expect(broken.stderr).toMatch(/driver acme-capsule-toy@1\.0\.0 is installed but its dependency "@capsule\/core" is missing\n\s+hint: `nodemgr driver relink`/);
  expect(svcmgr('start')).toMatchObject({ code: 1, stderr: expect.stringContaining('its dependency "@capsule/core" is missing') });
  expect(nodemgr('driver', 'relink')).toMatchObject({
    code: 0,
    stdout: `relinked @capsule/core: ${old}/@capsule/core -> ${current['core']}\nrelinked @capsule/driver-kit: ${old}/@capsule/driver-kit -> ${current['driver-kit']}\n`,
    stderr: '',
  });
  expect(svcmgr('validate', 'config').code).toBe(0);
  expect(svcmgr('start').code).toBe(0);
  expect(svcmgr('print', 'status', '--refresh').stdout).toMatch(/disk#1\s+\.+\s+up\s+acme-capsule-toy 1\.0\.0/);
  // Again: nothing to do, nothing said.
  expect(nodemgr('driver', 'relink')).toMatchObject({ code: 0, stdout: '', stderr: '' });
});

test('nodemgr driver relink with no driver directory (a node that never added one) does nothing and exits 0', () => {
  expect(nodemgr('driver', 'relink')).toMatchObject({ code: 0, stdout: '', stderr: '' });
  expect(JSON.parse(nodemgr('driver', 'relink', '--format', 'json').stdout)).toEqual({ driverDir: drivers, relinked: [], unresolved: [] });
  expect(existsSync(drivers)).toBe(false);
});

test('two adds at once both land: one at a time under the node\'s driver lock', async () => {
  const files = await Promise.all(['one', 'two', 'three'].map(async (n) => (await toy({ name: `toy-${n}`, provides: `disk.${n}` })).file));
  const runs = await Promise.all(files.map((f) => cliProcess('nodemgr', ['driver', 'add', f], env()).done));
  expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
  expect(await ownerDeps()).toEqual({ 'toy-one': '1.0.0', 'toy-two': '1.0.0', 'toy-three': '1.0.0' });
});

test('nodemgr driver alone lists, as driver list; a mistyped word is a usage error with the closest command', () => {
  expect(nodemgr('driver').stdout).toBe(nodemgr('driver', 'list').stdout);
  expect(nodemgr('driver', '--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('usage: nodemgr driver list|add|remove|relink') });
  expect(nodemgr('driver', 'ad')).toMatchObject({ code: 1, stderr: 'error: nodemgr driver: unknown command "ad", expected one of list, add, remove, relink\n  hint: did you mean `nodemgr driver add`?\n' });
  expect(nodemgr('driver', 'add')).toMatchObject({ code: 1, stderr: expect.stringContaining('error: nodemgr driver add: no package given') });
});

test('as a non-root user: NeedsRoot, nothing written', async () => {
  const { file } = await toy();
  expect(nodemgr('driver', 'add', file).code).toBe(0);
  const before = await readFile(join(drivers, 'package.json'), 'utf8');
  const other = (await toy({ name: 'other-toy', provides: 'disk.other' })).file;
  // Readable by anyone, as on a real node: only writing is refused.
  await chmod(tmp, 0o755);
  for (const f of [file, other]) await chmod(f, 0o644);
  for (const args of [['driver', 'add', other], ['driver', 'remove', 'acme-capsule-toy', '--force']]) {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cliEntry('nodemgr'), ...args], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1' },
    });
    expect(r.stderr).toMatch(/^error: nodemgr needs root: permission denied on /);
    expect(r.status).toBe(1);
  }
  expect(await readFile(join(drivers, 'package.json'), 'utf8')).toBe(before);
  expect(existsSync(join(drivers, 'node_modules/acme-capsule-toy/package.json'))).toBe(true);
});

describe('from an npm registry', () => {
  let server: Server;
  let registry: string;
  const routes = new Map<string, Buffer>();

  beforeEach(async () => {
    routes.clear();
    server = createServer((req, res) => {
      const body = routes.get(req.url ?? '');
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(body ?? '{"error":"not found"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Publishes versions of a package: the packument and each tarball; `served` replaces a tarball's bytes after its digest is taken. */
  async function publish(name: string, versions: string[], served?: (bytes: Buffer) => Buffer): Promise<void> {
    const doc: { name: string; 'dist-tags': Record<string, string>; versions: Record<string, unknown> } = { name, 'dist-tags': { latest: versions.at(-1)! }, versions: {} };
    for (const version of versions) {
      const { bytes } = await toy({ name, version });
      const path = `/tarballs/${name.replace('/', '-')}-${version}.tgz`;
      routes.set(path, served ? served(bytes) : bytes);
      doc.versions[version] = { name, version, dist: { tarball: `${registry}${path}`, integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}` } };
    }
    routes.set(`/${name.replace('/', '%2f')}`, Buffer.from(JSON.stringify(doc)));
  }

  /** The CLI as a child process: this test's server answers it meanwhile. */
  const add = async (...args: string[]) => (await cliProcess('nodemgr', ['driver', 'add', ...args], { ...env(), CAPSULE_NPM_REGISTRY: registry }).done);

  test.each([
    ['acme-capsule-toy', '1.2.0'],
    ['acme-capsule-toy@1.0.0', '1.0.0'],
    ['acme-capsule-toy@~1.1.0', '1.1.1'],
    ['@acme/capsule-toy@^1', '1.2.0'],
  ])('%s installs %s, its integrity checked', async (spec, version) => {
    const name = spec.startsWith('@acme') ? '@acme/capsule-toy' : 'acme-capsule-toy';
    await publish(name, ['1.0.0', '1.1.0', '1.1.1', '1.2.0']);
    const r = await add(spec);
    expect(r).toMatchObject({ code: 0, stdout: `added ${name}@${version} to ${drivers}: provides disk.toy\n` });
    expect(await ownerDeps()).toEqual({ [name]: version });
    expect(svcmgr('validate', 'config').code).toBe(0);
  });

  test.each<[string, ((b: Buffer) => Buffer) | undefined, string, RegExp]>([
    ['a tampered tarball', (b) => Buffer.concat([b, Buffer.from('x')]), 'DriverIntegrityMismatch', /acme-capsule-toy-1\.0\.0\.tgz does not match its published sha512 digest/],
    ['a version not published', undefined, 'DriverVersionNotFound', /acme-capsule-toy@9\.0\.0 is not published on http:\/\/127\.0\.0\.1:\d+\n\s+hint: published versions include 1\.0\.0/],
  ])('%s is refused, nothing installed', async (_what, served, code, message) => {
    await publish('acme-capsule-toy', ['1.0.0'], served);
    const r = await add(served ? 'acme-capsule-toy' : 'acme-capsule-toy@9.0.0');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(JSON.parse((await add(served ? 'acme-capsule-toy' : 'acme-capsule-toy@9.0.0', '--format', 'json')).stderr)).toMatchObject({ error: { code } });
    // Not even the driver directory it made to stage the download.
    expect(existsSync(join(root, 'usr'))).toBe(false);
  });

  test('a tarball whose package.json says another version than the one published is refused', async () => {
    // Published as 2.0.0, digest right, but holding 1.0.0: a registry serving an old tarball under a new version.
    const { bytes } = await toy({ version: '1.0.0' });
    routes.set('/t.tgz', bytes);
    const doc = { name: 'acme-capsule-toy', 'dist-tags': { latest: '2.0.0' }, versions: { '2.0.0': { dist: { tarball: `${registry}/t.tgz`, integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}` } } } };
    routes.set('/acme-capsule-toy', Buffer.from(JSON.stringify(doc)));
    const r = await add('acme-capsule-toy', '--format', 'json');
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'DriverPackageInvalid', message: expect.stringContaining('its package.json says version "1.0.0", but the registry published it as 2.0.0') } });
    expect(existsSync(join(root, 'usr'))).toBe(false);
  });

  test('an unknown package is DriverVersionNotFound', async () => {
    const r = await add('acme-nothing', '--format', 'json');
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'DriverVersionNotFound', message: `acme-nothing is not published on ${registry}` } });
  });
});
