import { isCapsuleError } from '@capsule/core';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverDrivers } from './registry.js';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capsule-ph-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

interface FakeDriver {
  name: string;
  manifest?: unknown;
  /** Body of index.js; by default a valid driver providing the manifest's first entry. */
  index?: string;
  keywords?: string;
  dependencies?: Record<string, string>;
  version?: string;
  /** Raw text of package.json, replacing the generated one. */
  packageJson?: string;
}

const validIndex = (provides: string, marker = '') => `
${marker ? `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'imported');` : ''}
export default {
  $$type: 'capsule.driver', apiVersion: 2, provides: [${JSON.stringify(provides)}],
  keywords: [{ name: 'name', doc: 'the name', scopable: true, schema: { safeParse: (v) => ({ success: true, data: v }) } }],
  create: (init) => ({ rid: init.rid, label: () => 'x', start: async () => {}, stop: async () => {}, status: async () => ({ status: 'up', log: [] }) }),
};`;

/** Writes an installed package under `<owner>/node_modules/<name>` and lists it in the owner's package.json. */
async function install(owner: string, drivers: FakeDriver[]): Promise<void> {
  await mkdir(owner, { recursive: true });
  await writeFile(join(owner, 'package.json'), JSON.stringify({ name: 'owner', private: true, dependencies: Object.fromEntries(drivers.map((d) => [d.name, '*'])) }));
  for (const d of drivers) {
    const dir = join(owner, 'node_modules', d.name);
    await mkdir(dir, { recursive: true });
    const manifest = d.manifest === undefined ? { apiVersion: 2, provides: ['container.foo'], platforms: ['linux'], keywords: './keywords' } : d.manifest;
    const pkg = {
      name: d.name,
      version: d.version ?? '1.2.3',
      type: 'module',
      exports: { '.': './index.js', './keywords': './keywords.js', './package.json': './package.json' },
      ...(manifest === null ? {} : { capsule: manifest }),
      ...(d.dependencies ? { dependencies: d.dependencies } : {}),
    };
    await writeFile(join(dir, 'package.json'), d.packageJson ?? JSON.stringify(pkg));
    const provides = ((manifest as { provides?: string[] } | null)?.provides ?? ['container.foo'])[0]!;
    await writeFile(join(dir, 'index.js'), d.index ?? validIndex(provides));
    await writeFile(join(dir, 'keywords.js'), d.keywords ?? `export const keywords = [{ name: 'name', doc: 'from keywords.js', scopable: true, schema: { safeParse: (v) => ({ success: true, data: v }) } }];`);
  }
}

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; hint?: string; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (!isCapsuleError(e)) throw e;
    return e;
  }
  throw new Error('expected a rejection');
}

const app = () => join(tmp, 'app');
const discover = (extra: object = {}) => discoverDrivers({ appRoot: app(), capsuleRoot: join(tmp, 'root'), platform: 'linux', ...extra });

test('an installed driver is listed, resolved and loaded', async () => {
  await install(app(), [{ name: 'capsule-driver-foo' }, { name: 'left-pad', manifest: null }]);
  const reg = await discover();
  expect(reg.list().map((e) => [e.name, e.version, e.provides, e.compatible, e.source])).toEqual([
    ['capsule-driver-foo', '1.2.3', ['container.foo'], true, 'app'],
  ]);
  const def = await reg.load('container', 'foo');
  const res = def.create({ rid: 'container#0', svcname: 's', nodename: 'n', config: {}, env: {}, root: '/', service: { nodes: ['n'], drpnodes: [], encapnodes: [] }, settings: { values: {}, secret: () => Promise.reject(new Error('none')) } });
  expect(res.rid).toBe('container#0');
  expect(await reg.load('container', 'foo')).toBe(def);
});

test('a group provider serves every type of that group', async () => {
  await install(app(), [{ name: 'capsule-resource-fs', manifest: { apiVersion: 2, provides: ['fs'], platforms: ['any'] } }]);
  const reg = await discover({ platform: 'sunos' });
  expect(reg.resolve('fs', 'ext4').name).toBe('capsule-resource-fs');
});

test('a missing type is DriverNotInstalled naming the package to install', async () => {
  await install(app(), [{ name: 'capsule-driver-foo' }]);
  const reg = await discover();
  const e = await rejection(reg.load('container', 'kvm'));
  expect(e.code).toBe('DriverNotInstalled');
  expect(e.message).toContain('container type "kvm"');
  expect(e.hint).toContain('@capsule/driver-kvm');
  expect(e.hint).toContain(join(tmp, 'root', 'usr/lib/capsule/drivers'));
  expect((await rejection(reg.load('ip'))).hint).toContain('@capsule/resource-ip');
});

test.each([
  ['container', 'docker', 'no installed driver provides container type "docker"', 'no capsule driver exists for container type "docker"'],
  ['disk', undefined, 'no installed driver provides disk resources', 'no capsule driver exists for disk resources'],
])('a type no capsule package provides (%s %s) names no package that does not exist', async (group, type, message, hint) => {
  await install(app(), [{ name: 'capsule-driver-foo' }]);
  const e = await rejection((await discover()).load(group, type));
  expect(e).toMatchObject({ code: 'DriverNotInstalled', message });
  expect(e.hint).toMatch(new RegExp(`^${hint}: a third-party driver providing ${type ? `${group}\\.${type}` : group} goes in ${join(tmp, 'root')}/usr/lib/capsule/drivers`));
  expect(e.hint).not.toMatch(/@capsule\//);
  expect(e.details['package']).toBeUndefined();
});

test.each([
  ['an incompatible API version', { apiVersion: 1, provides: ['container.foo'], platforms: ['linux'] }, /API version 1, this capsule speaks 2/],
  ['another platform', { apiVersion: 2, provides: ['container.foo'], platforms: ['sunos', 'freebsd'] }, /runs on sunos, freebsd, not linux/],
  ['an invalid manifest', { apiVersion: 2, provides: [], platforms: ['linux'] }, /invalid "capsule" manifest/],
])('%s is listed as incompatible and refused with DriverIncompatible', async (_what, manifest, reason) => {
  await install(app(), [{ name: 'capsule-driver-foo', manifest }]);
  const reg = await discover();
  const [entry] = reg.list();
  expect(entry?.compatible).toBe(false);
  expect(entry?.reason).toMatch(reason);
  if (manifest.provides.length) {
    const e = await rejection(reg.load('container', 'foo'));
    expect(e.code).toBe('DriverIncompatible');
    expect(e.message).toMatch(reason);
  }
});

test.each([
  ['throws at import', `throw new Error('boom at import');`, /broken: importing \/.*\/capsule-driver-foo\/index\.js failed: boom at import/],
  ['has a syntax error', `export default {{;`, /broken: importing \/.*\/capsule-driver-foo\/index\.js failed/],
  ['lacks the brand', `export default { apiVersion: 2, provides: ['container.foo'], keywords: [], create() {} };`, /not a capsule driver \(\$\$type/],
  ['provides more than declared', validIndex('container.bar'), /provides container.bar, which its manifest does not declare/],
])('a driver that %s is DriverBroken with the reason', async (_what, index, message) => {
  await install(app(), [{ name: 'capsule-driver-foo', index }]);
  const e = await rejection((await discover()).load('container', 'foo'));
  expect(e.code).toBe('DriverBroken');
  expect(e.message).toMatch(message);
});

test("a missing dependency of the driver is told apart from a crash", async () => {
  await install(app(), [{ name: 'capsule-driver-foo', index: `import 'capsule-no-such-dep';\nexport default {};`, dependencies: { 'capsule-no-such-dep': '1' } }]);
  const e = await rejection((await discover()).load('container', 'foo'));
  expect(e.code).toBe('DriverBroken');
  expect(e.message).toContain('its dependency "capsule-no-such-dep" is missing');
  expect(e.details['missing']).toBe('capsule-no-such-dep');
});

test('one broken driver does not stop the others', async () => {
  await install(app(), [
    { name: 'capsule-driver-bad', manifest: { apiVersion: 2, provides: ['container.bad'], platforms: ['linux'] }, index: 'throw new Error("x")' },
    { name: 'capsule-driver-foo' },
  ]);
  const reg = await discover();
  const [bad, good] = await Promise.allSettled([reg.load('container', 'bad'), reg.load('container', 'foo')]);
  expect(bad.status).toBe('rejected');
  expect(good.status).toBe('fulfilled');
});

test('a third-party driver in the driver directory of a temporary root is discovered and loaded', async () => {
  const root = join(tmp, 'root');
  await install(join(root, 'usr/lib/capsule/drivers'), [{ name: 'acme-capsule-zone', manifest: { apiVersion: 2, provides: ['container.zone'], platforms: ['linux', 'sunos'] } }]);
  await mkdir(app(), { recursive: true });
  await writeFile(join(app(), 'package.json'), '{"name":"app"}');
  const reg = await discoverDrivers({ appRoot: app(), capsuleRoot: root, platform: 'sunos' });
  expect(reg.list().map((e) => [e.name, e.source, e.compatible])).toEqual([['acme-capsule-zone', 'driver-dir', true]]);
  expect((await reg.load('container', 'zone')).provides).toEqual(['container.zone']);
});

test('an extra configured driver directory is searched after the default one', async () => {
  await install(join(tmp, 'extra'), [{ name: 'capsule-driver-foo' }]);
  const reg = await discoverDrivers({ capsuleRoot: join(tmp, 'root'), driverDirs: [join(tmp, 'extra')], platform: 'linux' });
  expect(reg.resolve('container', 'foo').source).toBe('driver-dir');
});

test('discovery and keyword loading import no driver code', async () => {
  const marker = join(tmp, 'imported');
  await install(app(), [{ name: 'capsule-driver-foo', index: validIndex('container.foo', marker) }]);
  const reg = await discover();
  reg.list();
  const keywords = await reg.loadKeywords('container', 'foo');
  expect(keywords.map((k) => k.doc)).toEqual(['from keywords.js']);
  expect(existsSync(marker)).toBe(false);
  await reg.load('container', 'foo');
  expect(existsSync(marker)).toBe(true);
});

describe('a broken package affects only the services that use it', () => {
  const lxc = { apiVersion: 2, provides: ['container.lxc'], platforms: ['linux'] };

  test.each([
    ['"capsule": null', '{"name":"bad","version":"1.0.0","capsule":null}', /invalid "capsule" manifest in \/.*\/bad\/package\.json/],
    ['broken JSON in its package.json', '{"name": "bad", capsule', /\/bad\/package\.json is not valid JSON/],
    ['a package.json that is not an object', '5', /\/bad\/package\.json does not hold a JSON object/],
  ])('%s: listed as unusable with the file, the others load', async (_w, packageJson, reason) => {
    await install(app(), [{ name: 'bad', packageJson }, { name: 'capsule-driver-lxc', manifest: lxc }]);
    const reg = await discover();
    expect(reg.list().find((e) => e.name === 'bad')).toMatchObject({ compatible: false, reason: expect.stringMatching(reason) });
    expect((await reg.load('container', 'lxc')).provides).toEqual(['container.lxc']);
    const e = await rejection(reg.load('container', 'kvm'));
    expect(e.code).toBe('DriverNotInstalled');
    if (!packageJson.includes('capsule":null')) expect(e.message).toMatch(/note that bad is unusable/);
  });

  test('broken JSON in a driver directory package.json names the file; app drivers still load', async () => {
    const dir = join(tmp, 'root', 'usr/lib/capsule/drivers');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), '{"dependencies": ');
    await install(app(), [{ name: 'capsule-driver-lxc', manifest: lxc }]);
    const reg = await discover();
    expect(reg.list().map((e) => [e.name, e.compatible, e.reason?.includes('is not valid JSON') ?? false])).toEqual([
      [join(dir, 'package.json'), false, true],
      ['capsule-driver-lxc', true, false],
    ]);
    await expect(reg.load('container', 'lxc')).resolves.toBeDefined();
  });

  test.each([
    ['[{name:"x"}, 5, null]', /keywords\.js: keywords\[0\] \(\{"name":"x"\}\) is not a keyword spec \(doc: .*scopable: .*schema: expected a value schema \(with safeParse\)/],
    ['"nope"', /keywords\.js does not export a keywords array/],
  ])('a keywords module exporting %s is DriverBroken naming the package and file', async (value, message) => {
    await install(app(), [{ name: 'capsule-driver-foo', keywords: `export const keywords = ${value};` }]);
    const e = await rejection((await discover()).loadKeywords('container', 'foo'));
    expect(e.code).toBe('DriverBroken');
    expect(e.message).toContain('capsule-driver-foo@1.2.3');
    expect(e.message).toMatch(message);
  });

  test('an import that never settles is DriverBroken after the timeout', async () => {
    await install(app(), [{ name: 'capsule-driver-foo', keywords: 'await new Promise(() => {});\nexport const keywords = [];' }]);
    const reg = await discover({ importTimeoutMs: 200 });
    const e = await rejection(reg.loadKeywords('container', 'foo'));
    expect(e.code).toBe('DriverBroken');
    expect(e.message).toMatch(/capsule-driver-foo@1\.2\.3 is broken: importing \/.*\/keywords\.js did not finish within 0\.2 s/);
  });
});

test.each([
  ['a driver directory wins over the app', [['a-lxc', 'app', '9.0.0'], ['z-lxc', 'dir', '1.0.0']], 'z-lxc'],
  ['then the highest version', [['a-lxc', 'app', '1.10.0'], ['b-lxc', 'app', '1.9.9']], 'a-lxc'],
  ['a release over its prerelease', [['a-lxc', 'app', '2.0.0-rc.1'], ['b-lxc', 'app', '2.0.0']], 'b-lxc'],
  ['then the name', [['b-lxc', 'app', '1.0.0'], ['a-lxc', 'app', '1.0.0']], 'a-lxc'],
])('two usable providers of container.lxc: %s', async (_w, drivers, winner) => {
  const lxc = { apiVersion: 2, provides: ['container.lxc'], platforms: ['linux'] };
  const dir = join(tmp, 'root', 'usr/lib/capsule/drivers');
  const where = (w: string) => drivers.filter((d) => d[1] === w).map(([name, , version]) => ({ name: name!, version: version!, manifest: lxc }));
  await install(app(), where('app'));
  await install(dir, where('dir'));
  const reg = await discover();
  expect(reg.resolve('container', 'lxc').name).toBe(winner);
  expect(reg.providers('container.lxc')[0]?.name).toBe(winner);
});
