// The generator end to end: a package written outside the repository (as a
// third party's would be) builds with tsc and passes the conformance suite
// out of the box, resolving the kit through its published exports (dist),
// not the repository's sources. No registry here: its node_modules links
// the packages this generator's own devDependencies resolve to, the same
// ones `npm install` would bring.
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { driverNames } from '../src/names.mjs';

const here = fileURLToPath(new URL('..', import.meta.url));
const bin = join(here, 'bin.mjs');
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capsule-create-driver-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** Runs a command to its exit (bounded), with its output. */
function run(argv: string[], cwd: string, timeoutMs = 120_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out }));
  });
}

const generate = (...args: string[]) => run([process.execPath, bin, ...args], tmp);

/** node_modules of the generated package: each of its devDependencies linked to where this package resolves it. */
async function linkDependencies(dir: string, deps: string[]): Promise<void> {
  for (const dep of deps) {
    const from = join(dir, 'node_modules', dep);
    await mkdir(dirname(from), { recursive: true });
    await symlink(realpathSync(join(here, 'node_modules', dep)), from);
  }
}

test.each<[string, { name?: string; type?: string; tool?: string; platforms?: string[] }, RegExp]>([
  ['an upper-case name', { name: 'Capsule-Driver-Foo', type: 'container.foo', tool: 'foo' }, /^--name: /],
  ['a type outside container', { name: 'capsule-driver-foo', type: 'fs.foo', tool: 'foo' }, /^--type: container\.NAME/],
  ['a tool with a space', { name: 'capsule-driver-foo', type: 'container.foo', tool: 'foo tool' }, /^--tool: /],
  ['a platform no agent runs on', { name: 'capsule-driver-foo', type: 'container.foo', tool: 'foo', platforms: ['linux', 'hpux'] }, /^--platform: one of linux, /],
])('%s is refused, saying what to give', (_what, o, message) => {
  const r = driverNames(o);
  expect(r.ok).toBe(false);
  expect(!r.ok && r.problems).toEqual([expect.stringMatching(message)]);
});

test('the names the template is filled with', () => {
  expect(driverNames({ name: 'capsule-driver-foo-bar', type: 'container.foo-bar', tool: 'fb' })).toEqual({
    ok: true,
    names: { name: 'capsule-driver-foo-bar', type: 'container.foo-bar', short: 'foo-bar', tool: 'fb', Class: 'FooBarContainer' },
  });
});

test('--workspace: the kit as workspace peers, the repository configs', async () => {
  const out = join(tmp, 'ws');
  expect((await generate('--name', 'capsule-driver-bar', '--type', 'container.bar', '--tool', 'bartool', '--out', out, '--workspace')).code).toBe(0);
  const pkg = JSON.parse(await readFile(join(out, 'package.json'), 'utf8'));
  expect(pkg.peerDependencies).toEqual({ '@capsule/core': 'workspace:^', '@capsule/driver-kit': 'workspace:^' });
  expect(pkg.jest).toEqual({ preset: '@capsule/jest-preset' });
  expect(await readFile(join(out, 'tsconfig.json'), 'utf8')).toContain('@capsule/tsconfig/check.json');
  expect(existsSync(join(out, 'eslint.config.js'))).toBe(true);
});

test('a refused name, or an --out that is not empty, writes nothing', async () => {
  const bad = await generate('--name', 'Bad Name', '--type', 'container.x', '--tool', 'x', '--out', join(tmp, 'bad'));
  expect([bad.code, existsSync(join(tmp, 'bad'))]).toEqual([2, false]);
  expect(bad.out).toMatch(/^error: --name: .*\n  hint: usage: create-capsule-driver/);
  const again = await generate('--name', 'capsule-driver-bar', '--type', 'container.bar', '--tool', 'bartool', '--out', join(tmp, 'ws'));
  expect(again.code).toBe(1);
  expect(again.out).toContain('exists and is not empty');
});

test('a third-party package: peers on the released kit, builds, passes conformance out of the box', async () => {
  const out = join(tmp, 'capsule-driver-foo');
  const gen = await generate('capsule-driver-foo', '--tool', 'footool', '--out', out);
  expect(gen.code).toBe(0);
  const pkg = JSON.parse(await readFile(join(out, 'package.json'), 'utf8'));
  const kit = JSON.parse(await readFile(join(here, '../../packages/driver-kit/package.json'), 'utf8')) as { version: string };
  expect(pkg.capsule).toEqual({ apiVersion: 2, provides: ['container.foo'], platforms: ['linux'], keywords: './keywords', capabilities: { liveMigrate: false, guestChannel: 'native' } });
  expect(pkg.peerDependencies['@capsule/driver-kit']).toBe(`^${kit.version}`);
  expect(pkg.dependencies).toBeUndefined();
  expect(existsSync(join(out, 'eslint.config.js'))).toBe(false);
  // Every placeholder filled, in every file.
  const grep = await run(['grep', '-rl', '{{', out], out);
  expect(grep.out).toBe('');

  await linkDependencies(out, Object.keys(pkg.devDependencies));
  const build = await run([process.execPath, 'node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], out);
  expect(build).toEqual({ code: 0, out: '' });
  expect(existsSync(join(out, 'dist/index.js'))).toBe(true);
  const typecheck = await run([process.execPath, 'node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], out);
  expect(typecheck).toEqual({ code: 0, out: '' });

  const test = await run([process.execPath, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js', '--json', '--outputFile=jest.json'], out, 240_000);
  const report = JSON.parse(await readFile(join(out, 'jest.json'), 'utf8')) as { numFailedTests: number; numPassedTests: number; testResults: { name: string }[] };
  expect([test.code, report.numFailedTests]).toEqual([0, 0]);
  expect(report.numPassedTests).toBeGreaterThanOrEqual(20);
  expect(report.testResults.map((r) => r.name.slice(out.length + 1)).sort()).toEqual(['src/state.test.ts', 'test/conformance.test.ts']);
}, 300_000);
