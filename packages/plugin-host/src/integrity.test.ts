import { createHash } from 'node:crypto';
import { verifyIntegrity } from './integrity.js';

const bytes = Buffer.from('a driver tarball');
const sri = (algo: string, b: Buffer = bytes) => `${algo}-${createHash(algo).update(b).digest('base64')}`;
const sha1hex = createHash('sha1').update(bytes).digest('hex');
const other = Buffer.from('a tampered tarball');

test.each([
  ['sha512', { integrity: sri('sha512') }],
  ['sha512 among weaker ones', { integrity: `${sri('sha1', other)} ${sri('sha512')}` }],
  ['the legacy shasum', { shasum: sha1hex.toUpperCase() }],
])('%s that matches passes', (_what, digest) => expect(() => verifyIntegrity(bytes, digest, 'x.tgz')).not.toThrow());

test.each([
  ['sha512', { integrity: sri('sha512', other) }, /does not match its published sha512 digest/],
  ['the strongest given decides', { integrity: `${sri('sha1')} ${sri('sha512', other)}` }, /sha512/],
  ['shasum', { shasum: createHash('sha1').update(other).digest('hex') }, /does not match its published sha1 digest/],
])('a mismatching %s is DriverIntegrityMismatch', (_what, digest, message) => {
  expect(() => verifyIntegrity(bytes, digest, 'x.tgz')).toThrow(expect.objectContaining({ code: 'DriverIntegrityMismatch', message: expect.stringMatching(message) }));
});

test('no digest at all is refused', () => {
  expect(() => verifyIntegrity(bytes, {}, 'x.tgz')).toThrow(expect.objectContaining({ code: 'DriverPackageInvalid', message: expect.stringMatching(/publishes no integrity/) }));
});
