// A keyword's schema parses text: zod schemas fit a KeywordSpec when their
// input is a string, and a schema of another input is refused at compile
// time (checked by `pnpm typecheck`), not by failing on every value.
import type { KeywordSpec } from '@capsule/core';
import { z } from 'zod';

const text: KeywordSpec<string>['schema'] = z.string();
const length: KeywordSpec<number>['schema'] = z.string().transform((s) => s.length);
// @ts-expect-error z.number() would refuse every INI value
const numbers: KeywordSpec<number>['schema'] = z.number();

test('zod schemas of text parse keyword values', () => {
  expect([text.safeParse('a').success, length.parse('abc'), numbers.safeParse('3').success]).toEqual([true, 3, false]);
});
