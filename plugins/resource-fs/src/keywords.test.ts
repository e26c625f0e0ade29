import { keywords } from './keywords.js';

const mnt = keywords.find((k) => k.name === 'mnt')!;

test.each([
  ['/srv/data', true],
  ['data', false],
  ['../data', false],
])('mnt = %s is valid: %s', (value, ok) => {
  expect(mnt.schema.safeParse(value).success).toBe(ok);
});
