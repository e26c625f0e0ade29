import type { DriverEntry } from './entry.js';
import { checkInstall, type InstallCheckInput } from './install-checks.js';

const manifest = { apiVersion: 2, provides: ['container.docker'], platforms: ['linux'] };
const base = { name: 'acme-docker', version: '1.0.0', capsule: manifest, peerDependencies: { '@capsule/core': '^0.1.0' } };
const installed = (name: string, provides: string[], compatible = true): DriverEntry =>
  ({ name, version: '0.1.0', dir: `/x/${name}`, source: 'app', provides, platforms: ['linux'], compatible, pkg: {} }) as DriverEntry;

const input = (over: Partial<InstallCheckInput> & { pkg?: Record<string, unknown> } = {}): InstallCheckInput => ({
  pkg: base,
  source: 'acme-docker-1.0.0.tgz',
  platform: 'linux',
  installed: [installed('@capsule/driver-lxc', ['container.lxc'])],
  capsuleVersions: { '@capsule/core': '0.1.0', '@capsule/driver-kit': '0.1.0' },
  bundled: new Set(),
  force: false,
  ...over,
});

test.each<[string, Partial<InstallCheckInput>, string, RegExp]>([
  ['no capsule manifest', { pkg: { name: 'left-pad', version: '1.0.0' } }, 'DriverPackageInvalid', /left-pad has no "capsule" manifest/],
  ['no name', { pkg: { version: '1.0.0', capsule: manifest } }, 'DriverPackageInvalid', /no "name"/],
  ['a name that is a path', { pkg: { ...base, name: '../../etc' } }, 'DriverPackageInvalid', /its name "\.\.\/\.\.\/etc" is not an npm package name/],
  ['a version that is not one', { pkg: { ...base, version: 'latest' } }, 'DriverPackageInvalid', /no "version" of the form 1\.2\.3/],
  ['an invalid manifest', { pkg: { ...base, capsule: { apiVersion: 2, provides: ['Bad Type'], platforms: ['linux'] } } }, 'DriverPackageInvalid', /invalid "capsule" manifest .*provides\.0: expected group or group\.type/],
  ['another API version', { pkg: { ...base, capsule: { ...manifest, apiVersion: 1 } } }, 'DriverIncompatible', /acme-docker@1\.0\.0 cannot be used on this node: driver API version 1, this capsule speaks 2/],
  ['another platform', { pkg: { ...base, capsule: { ...manifest, platforms: ['freebsd'] } } }, 'DriverIncompatible', /runs on freebsd, not linux/],
  ['an unknown platform', { platform: undefined }, 'DriverIncompatible', /runs on linux, not this platform/],
  ['a dependency not bundled', { pkg: { ...base, dependencies: { 'left-pad': '^1', '@capsule/core': '^0.1.0' } } }, 'DriverDependenciesNotBundled', /acme-docker depends on left-pad, which its package does not bundle/],
  ['a foreign peer', { pkg: { ...base, peerDependencies: { ...base.peerDependencies, dockerode: '^4' } } }, 'DriverDependenciesNotBundled', /acme-docker depends on dockerode/],
  ['a core peer range this capsule is not in', { pkg: { ...base, peerDependencies: { '@capsule/core': '^1.0.0' } } }, 'DriverPeerUnsatisfied', /acme-docker needs @capsule\/core@\^1\.0\.0, but this capsule runs @capsule\/core@0\.1\.0/],
  ['a capsule package this app lacks', { pkg: { ...base, peerDependencies: { '@capsule/nope': '*' } } }, 'DriverPeerUnsatisfied', /this capsule has no @capsule\/nope to share/],
  ['a range no one can read', { pkg: { ...base, peerDependencies: { '@capsule/core': 'workspace:*' } } }, 'DriverPeerUnsatisfied', /needs @capsule\/core@workspace:\*, but this capsule runs/],
  ['a type a bundled driver provides', { pkg: { ...base, capsule: { ...manifest, provides: ['container.lxc'] } } }, 'DriverProvidesConflict', /acme-docker provides container\.lxc \(provided by @capsule\/driver-lxc@0\.1\.0\)/],
])('refused: %s', (_what, over, code, message) => {
  expect(() => checkInstall(input(over))).toThrow(expect.objectContaining({ code: expect.stringMatching(new RegExp(`^(${code})$`)), message: expect.stringMatching(message) }));
});

test.each<[string, Partial<InstallCheckInput>, { links: string[]; replaces: unknown[] }]>([
  ['a driver with a core peer', {}, { links: ['@capsule/core'], replaces: [] }],
  ['platform any', { pkg: { ...base, capsule: { ...manifest, platforms: ['any'] } }, platform: undefined }, { links: ['@capsule/core'], replaces: [] }],
  ['bundled dependencies', { pkg: { ...base, dependencies: { 'left-pad': '^1' }, bundleDependencies: ['left-pad'] }, bundled: new Set(['left-pad']) }, { links: ['@capsule/core'], replaces: [] }],
  ['an optional foreign peer', { pkg: { ...base, peerDependencies: { ...base.peerDependencies, x: '*' }, peerDependenciesMeta: { x: { optional: true } } } }, { links: ['@capsule/core'], replaces: [] }],
  ['@capsule packages as dependencies too', { pkg: { ...base, dependencies: { '@capsule/driver-kit': '>=0.1.0' } } }, { links: ['@capsule/core', '@capsule/driver-kit'], replaces: [] }],
  ['a new version of itself', { installed: [installed('acme-docker', ['container.docker'])] }, { links: ['@capsule/core'], replaces: [] }],
  ['an unusable provider is not replaced', { installed: [installed('other', ['container.docker'], false)] }, { links: ['@capsule/core'], replaces: [] }],
  ['--force over a provider', { force: true, installed: [installed('other', ['container.docker'])] }, { links: ['@capsule/core'], replaces: [{ provides: 'container.docker', by: 'other@0.1.0' }] }],
])('accepted: %s', (_what, over, expected) => {
  expect(checkInstall(input(over))).toMatchObject({ name: 'acme-docker', version: '1.0.0', provides: expect.any(Array), ...expected });
});
