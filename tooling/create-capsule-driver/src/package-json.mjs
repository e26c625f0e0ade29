// The generated driver's package.json: the `capsule` manifest, exports to
// dist, and the third-party rule: @capsule/core and @capsule/driver-kit are
// peers (the node's running capsule provides them), devDependencies only
// for building and testing. `workspace` packages (inside the capsule
// repository) take workspace:^ ranges and the repository's shared configs.

/** The repository's own jest preset, written out for a package outside it (no @capsule/source condition: the kit resolves to its dist). */
const STANDALONE_JEST = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } }] },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
};

/**
 * @param {Record<string, string>} names placeholders (see names.mjs)
 * @param {Record<string, string>} versions current versions: the @capsule packages and the dev tools
 * @param {{ workspace: boolean, platforms: string[] }} o
 */
export function driverPackageJson(names, versions, o) {
  /** @param {string} pkg */
  const capsule = (pkg) => (o.workspace ? 'workspace:^' : `^${versions[pkg]}`);
  /** @param {string} pkg */
  const dev = (pkg) => (o.workspace ? 'workspace:*' : `^${versions[pkg]}`);
  /** @param {string} pkg */
  const tool = (pkg) => versions[pkg];
  const entry = (/** @type {string} */ f) => ({ types: `./dist/${f}.d.ts`, default: `./dist/${f}.js` });
  return {
    name: names.name,
    version: '0.1.0',
    description: `capsule container driver for ${names.tool} (${names.type}).`,
    type: 'module',
    license: 'Apache-2.0',
    keywords: ['capsule', 'capsule-driver', names.short],
    engines: { node: '>=20.11' },
    exports: { '.': entry('index'), './keywords': entry('keywords'), './package.json': './package.json', './internal/*': null },
    files: ['dist'],
    capsule: {
      apiVersion: 2,
      provides: [names.type],
      platforms: o.platforms,
      keywords: './keywords',
      capabilities: { liveMigrate: false, guestChannel: 'native' },
    },
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json',
      ...(o.workspace ? { lint: 'eslint .' } : {}),
      test: 'node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js',
      prepack: 'tsc -p tsconfig.build.json',
    },
    peerDependencies: { '@capsule/core': capsule('@capsule/core'), '@capsule/driver-kit': capsule('@capsule/driver-kit') },
    devDependencies: {
      '@capsule/conformance': dev('@capsule/conformance'),
      '@capsule/core': dev('@capsule/core'),
      '@capsule/driver-kit': dev('@capsule/driver-kit'),
      '@capsule/transport': dev('@capsule/transport'),
      ...(o.workspace
        ? { '@capsule/eslint-config': 'workspace:*', '@capsule/jest-preset': 'workspace:*', '@capsule/tsconfig': 'workspace:*', eslint: tool('eslint') }
        : { '@swc/core': tool('@swc/core'), '@swc/jest': tool('@swc/jest') }),
      '@types/jest': tool('@types/jest'),
      '@types/node': tool('@types/node'),
      jest: tool('jest'),
      typescript: tool('typescript'),
    },
    jest: o.workspace ? { preset: '@capsule/jest-preset' } : STANDALONE_JEST,
  };
}
