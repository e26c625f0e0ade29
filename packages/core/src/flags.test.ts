import { parseFlags, renderFlags, type ResourceFlags } from './flags.js';

const combos: ResourceFlags[] = [];
for (let i = 0; i < 16; i++) {
  combos.push({ monitor: !!(i & 8), disable: !!(i & 4), optional: !!(i & 2), encap: !!(i & 1) });
}

test.each(combos)('%j renders in M D O E order and parses back', (flags) => {
  const text = renderFlags(flags);
  expect(text).toHaveLength(4);
  expect(text).toBe(`${flags.monitor ? 'M' : '.'}${flags.disable ? 'D' : '.'}${flags.optional ? 'O' : '.'}${flags.encap ? 'E' : '.'}`);
  expect(parseFlags(text)).toEqual(flags);
});

test('unset flags render as dots', () => expect(renderFlags({})).toBe('....'));
test('the seed encap flag', () => expect(renderFlags({ encap: true })).toBe('...E'));

test.each(['', '...', '.....', 'E...', 'm...', 'MDOX'])('parseFlags(%j) is refused', (bad) => {
  expect(() => parseFlags(bad)).toThrow();
});
