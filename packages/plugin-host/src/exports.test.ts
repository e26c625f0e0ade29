import { resolveExport, type ExportsField } from './exports.js';

const dual: ExportsField = {
  '.': { '@capsule/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
  './keywords': { import: './dist/keywords.js', require: './dist/keywords.cjs' },
  './internal/*': null,
};

test.each<[ExportsField | undefined, string, string[], string | undefined]>([
  [dual, '.', ['import'], './dist/index.js'],
  [dual, '.', ['@capsule/source', 'import'], './src/index.ts'],
  [dual, './keywords', ['import'], './dist/keywords.js'],
  [dual, './keywords', ['require'], './dist/keywords.cjs'],
  [dual, './missing', ['import'], undefined],
  ['./main.js', '.', ['import'], './main.js'],
  ['./main.js', './keywords', ['import'], undefined],
  [{ import: './esm.js', default: './cjs.js' }, '.', ['import'], './esm.js'],
  [{ node: { import: './n.mjs' }, default: './d.js' }, '.', ['node', 'import'], './n.mjs'],
  [[{ worker: './w.js' }, './fallback.js'], '.', ['import'], './fallback.js'],
  [undefined, '.', ['import'], 'index.js'],
])('exports %j %s %j -> %s', (exports, subpath, conditions, expected) => {
  const pkg = exports === undefined ? {} : { exports };
  expect(resolveExport(pkg, subpath, conditions)).toBe(expected);
});

test('main is used when there is no exports field', () => {
  expect(resolveExport({ main: 'lib/x.js' }, '.', ['import'])).toBe('lib/x.js');
});
