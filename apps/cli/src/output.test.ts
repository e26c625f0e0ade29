import { renderJson, renderTable } from './output.js';

test('tables align columns and do not pad the last one', () => {
  expect(renderTable(['A', 'LONGER'], [['xyz', '1'], ['q', '22']])).toBe('A    LONGER\nxyz  1\nq    22\n');
});
test('an empty table is its header', () => expect(renderTable(['A', 'B'], [])).toBe('A  B\n'));
test('json ends with a newline', () => expect(renderJson({ a: 1 })).toBe('{\n  "a": 1\n}\n'));
