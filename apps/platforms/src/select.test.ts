import { driversFor, isTarget, TARGETS, type PackageJson } from './select.js';

const pkgs: PackageJson[] = [
  { name: 'lxc', capsule: { platforms: ['linux'] } },
  { name: 'jail', capsule: { platforms: ['freebsd'] } },
  { name: 'esx', capsule: { platforms: ['any'] } },
  { name: 'vbox', capsule: { platforms: ['linux', 'darwin', 'win32'] } },
  { name: 'no-platforms', capsule: {} },
  { name: 'zod' },
];

test.each([
  ['linux', ['esx', 'lxc', 'vbox']],
  ['freebsd', ['esx', 'jail']],
  ['sunos', ['esx']],
  ['win32', ['esx', 'vbox']],
] as const)('a %s build ships %j', (target, names) => expect(driversFor(target, pkgs)).toEqual(names));

test('every platform a manifest may name is a target, except any', () => {
  expect(TARGETS).toEqual(['linux', 'sunos', 'freebsd', 'darwin', 'win32']);
  expect([isTarget('linux'), isTarget('any'), isTarget('hpux')]).toEqual([true, false, false]);
});
