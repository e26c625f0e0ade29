// sg_persist PR IN output, from the corpus of sg3_utils' texts, and prkey generation.
import { readFileSync } from 'node:fs';
import { newPrkey } from './prkey.js';
import { hexKey, parseKeys, parseReservation } from './prout.js';

const corpus = (f: string) => readFileSync(new URL(`../../../tooling/simulators/sg_persist/corpus/${f}`, import.meta.url), 'utf8');

test.each([
  ['read-keys-none.txt', []],
  ['read-keys-two.txt', [0x8a1b2c3d4e5f6071n, 0x90520a45138e85n]],
])('keys of %s', (file, keys) => expect(parseKeys(corpus(file))).toEqual(keys));

test.each([
  ['read-reservation-none.txt', undefined],
  ['read-reservation-type5.txt', { key: 0x8a1b2c3d4e5f6071n, type: 'Write Exclusive, registrants only' }],
])('reservation of %s', (file, r) => expect(parseReservation(corpus(file))).toEqual(r));

test('keys print as sg_persist prints them; a generated key never starts with 0', () => {
  expect(hexKey(0x00ab01n)).toBe('0xab01');
  const bytes = [Buffer.from('0011223344556677', 'hex'), Buffer.from('a011223344556677', 'hex')];
  expect(newPrkey(() => bytes.shift()!)).toBe('0xa011223344556677');
});
