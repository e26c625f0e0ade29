import { absolutePathFromString, boolFromString, durationFromString, intFromString, keywordSpecProblems, kw, listFromString, stringFromString, type SectionConfig } from './keywords.js';

test.each([
  ['true', true], ['yes', true], ['Y', true], ['1', true], ['on', true],
  ['false', false], ['no', false], ['0', false], ['off', false], ['', false],
])('bool %j -> %s', (raw, value) => expect(boolFromString.parse(raw)).toBe(value));

test.each([['maybe'], ['2'], ['tru']])('bool %j is refused', (raw) => {
  expect(boolFromString.safeParse(raw).success).toBe(false);
});

test.each([['12', 12], [' -3 ', -3], ['+7', 7]])('int %j -> %i', (raw, v) => expect(intFromString.parse(raw)).toBe(v));
test.each([['1.5'], ['ten'], ['']])('int %j is refused', (raw) => expect(intFromString.safeParse(raw).success).toBe(false));

test.each([
  ['hv1 hv2', ['hv1', 'hv2']],
  ['hv1,hv2', ['hv1', 'hv2']],
  ['  hv1 \n hv2 ', ['hv1', 'hv2']],
  ['', []],
])('list %j', (raw, v) => expect(listFromString.parse(raw)).toEqual(v));

test.each([['90', 90], ['30s', 30], ['5m', 300], ['1h30m', 5400], ['2d', 172800]])('duration %j -> %i s', (raw, v) => {
  expect(durationFromString.parse(raw)).toBe(v);
});
test.each([['5x'], ['m'], [''], ['1h 30m'], ['-5']])('duration %j is refused', (raw) => {
  expect(durationFromString.safeParse(raw).success).toBe(false);
});

test('choice refuses values outside its candidates and records them', () => {
  const spec = kw.choice('cluster_type', ['failover', 'flex'], { doc: 'topology', default: 'failover' });
  expect(spec.schema.parse('flex')).toBe('flex');
  expect(spec.schema.safeParse('farm').success).toBe(false);
  expect(spec.candidates).toEqual(['failover', 'flex']);
  expect(spec).toMatchObject({ name: 'cluster_type', default: 'failover', scopable: true, required: false });
});

test.each([
  ['/srv/data', true],
  [' /srv ', true],
  ['data', false],
  ['./data', false],
  ['', false],
])('absolute path %j is accepted: %s', (raw, ok) => {
  const r = absolutePathFromString.safeParse(raw);
  expect(r.success).toBe(ok);
  if (!r.success) expect(r.error.issues[0]?.message).toBe(`expected an absolute path (starting with /), got "${raw.trim()}"`);
});

test('present is true for required and defaulted keywords only', () => {
  const specs = [kw.string('name', { doc: 'n', required: true }), kw.duration('t', { doc: 't', default: 5 }), kw.string('cf', { doc: 'c' })] as const;
  expect(specs.map((s) => [s.name, s.present])).toEqual([['name', true], ['t', true], ['cf', false]]);
  // The typed section: compile-time only, checked by `pnpm typecheck`.
  const section: SectionConfig<typeof specs> = { name: 'vm1', t: 5 };
  // @ts-expect-error name is required in the typed section
  const missing: SectionConfig<typeof specs> = { t: 5 };
  expect([section.cf, missing]).toEqual([undefined, { t: 5 }]);
});

test.each([
  ['flex', { success: true, data: 'flex' }],
  [' failover ', { success: true, data: 'failover' }],
  ['farm', { success: false, error: { issues: [{ message: 'expected one of "failover"|"flex", got "farm"' }] } }],
])('choice %j', (raw, result) => expect(kw.choice('t', ['failover', 'flex'], { doc: 'd' }).schema.safeParse(raw)).toEqual(result));

test.each([[undefined], [5], [null], [['a']]])('a value that is not text (%j) is refused, never coerced', (raw) => {
  const r = boolFromString.safeParse(raw);
  expect(r.success).toBe(false);
  expect(() => intFromString.parse(raw)).toThrow(TypeError);
});

test('refine adds a check after the conversion, keeping the conversion\'s own complaint first', () => {
  const port = intFromString.refine((n) => n >= 1 && n <= 65535, 'a port is a number from 1 to 65535');
  expect(port.parse(' 22 ')).toBe(22);
  expect(port.safeParse('0')).toEqual({ success: false, error: { issues: [{ message: 'a port is a number from 1 to 65535' }] } });
  expect(port.safeParse('x')).toEqual({ success: false, error: { issues: [{ message: 'expected an integer, got "x"' }] } });
  const nonEmpty = listFromString.refine((l) => l.length > 0, (l) => `got ${l.length}`);
  expect(nonEmpty.safeParse('')).toMatchObject({ success: false, error: { issues: [{ message: 'got 0' }] } });
});

test.each([
  ['a keyword spec', kw.string('name', { doc: 'n' }), []],
  ['a zod-like schema', { name: 'n', doc: 'd', scopable: false, schema: { safeParse: () => ({ success: true, data: 1 }) } }, []],
  ['not an object', 'name', ['entry: expected an object']],
  ['an empty name', { name: '', doc: 'd', scopable: true, schema: stringFromString }, ['name: expected a non-empty string']],
  ['no schema', { name: 'n', doc: 'd', scopable: true }, ['schema: expected a value schema (with safeParse)']],
  ['everything missing', {}, ['name: expected a non-empty string', 'doc: expected a string', 'scopable: expected a boolean', 'schema: expected a value schema (with safeParse)']],
])('keywordSpecProblems: %s', (_what, v, problems) => expect(keywordSpecProblems(v)).toEqual(problems));
