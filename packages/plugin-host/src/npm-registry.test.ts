import { parseSpec, pickVersion } from './npm-registry.js';

test.each([
  ['acme-driver', { name: 'acme-driver' }],
  ['acme-driver@1.2.0', { name: 'acme-driver', wanted: '1.2.0' }],
  ['acme-driver@^1', { name: 'acme-driver', wanted: '^1' }],
  ['@acme/driver', { name: '@acme/driver' }],
  ['@acme/driver@next', { name: '@acme/driver', wanted: 'next' }],
  ['../etc', undefined],
  ['Acme', undefined],
  ['@acme', undefined],
])('%s reads as %j', (spec, expected) => expect(parseSpec(spec)).toEqual(expected));

test.each<[string | undefined, string | undefined]>([
  [undefined, '1.1.0'],
  ['next', '2.0.0-rc.1'],
  ['1.0.0', '1.0.0'],
  ['^1.0.0', '1.2.0'],
  ['~1.0.0', '1.0.1'],
  ['3', undefined],
])('from the registry, %s picks %s', (wanted, expected) => {
  const dist = { tarball: 'http://x/t.tgz', integrity: 'sha512-x' };
  const p = { 'dist-tags': { latest: '1.1.0', next: '2.0.0-rc.1' }, versions: Object.fromEntries(['1.0.0', '1.0.1', '1.1.0', '1.2.0', '2.0.0-rc.1'].map((v) => [v, { dist }])) };
  if (expected) expect(pickVersion(p, 'acme', wanted, 'http://r')).toBe(expected);
  else expect(() => pickVersion(p, 'acme', wanted, 'http://r')).toThrow(expect.objectContaining({ code: 'DriverVersionNotFound', message: 'acme@3 is not published on http://r' }));
});
