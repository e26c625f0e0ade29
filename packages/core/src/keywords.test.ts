import { absolutePathFromString, boolFromString, durationFromString, intFromString, kw, listFromString, type SectionConfig } from './keywords.js';

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
