import { editArgs, hasEdit, lostEdits, type Edit } from './edits.js';

test('the edit is a set of env.nemesis_K to K', () => {
  expect(editArgs(12)).toEqual(['-s', 'web', 'set', '--param', 'env.nemesis_12', '--value', '12']);
});

test('an edit is found by its own line, not by a longer key or value', () => {
  const text = '[DEFAULT]\nnodes = hv1\n\n[env]\nnemesis_1 = 1\nnemesis_12 = 12\n';
  expect(hasEdit(text, 1)).toBe(true);
  expect(hasEdit(text, 12)).toBe(true);
  expect(hasEdit(text, 2)).toBe(false);
  expect(hasEdit('[env]\nnemesis_3 = 30\n', 3)).toBe(false);
});

test('lost: acknowledged edits missing on some node; failed ones are not counted', () => {
  const e = (k: number, acknowledged = true): Edit => ({ k, node: 'hv1', onHolder: true, at: k, acknowledged });
  const files = { hv1: '[env]\nnemesis_1 = 1\nnemesis_2 = 2\n', hv2: '[env]\nnemesis_1 = 1\n', hv3: '[env]\nnemesis_1 = 1\n' };
  expect(lostEdits([e(1), e(2), e(3, false)], files)).toEqual([{ ...e(2), missingOn: ['hv2', 'hv3'] }]);
});
