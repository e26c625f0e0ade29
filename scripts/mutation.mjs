#!/usr/bin/env node
// Mutation testing of every container driver's state mapping (issue 23):
// Stryker mutates the driver's pure parsing and state-mapping module
// (src/state.ts, or src/status.ts) and runs the driver's unit test of it
// (src/ or test/ state.test.ts, status.test.ts)
// against each mutant. A surviving mutant is a misreading no test would
// notice. Usage: pnpm mutation [DRIVER...]  (e.g. pnpm mutation xen vz)
// Prints the score per driver and the survivors; exits 1 if any survived.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const work = join(root, '.stryker-tmp');
const stryker = join(root, 'node_modules/.bin/stryker');

/** The drivers with a mapping module, and that module's test. */
function targets(only) {
  const out = [];
  for (const d of readdirSync(join(root, 'plugins')).filter((n) => n.startsWith('driver-')).sort()) {
    const name = d.slice('driver-'.length);
    if (only.length && !only.includes(name)) continue;
    const dir = join(root, 'plugins', d);
    const modules = ['state', 'status'].filter((m) => existsSync(join(dir, 'src', `${m}.ts`)));
    const tests = modules.flatMap((m) => [`src/${m}.test.ts`, `test/${m}.test.ts`]).filter((f) => existsSync(join(dir, f)));
    if (tests.length) out.push({ name, dir, modules, tests });
  }
  return out;
}

function run(t) {
  const report = join(work, `${t.name}.json`);
  // The sandbox sits two levels under the repository, as a plugin does, so tests' relative paths to corpora hold.
  const config = {
    testRunner: 'jest',
    plugins: ['@stryker-mutator/jest-runner'],
    mutate: t.modules.map((m) => `src/${m}.ts`),
    testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
    jest: { configFile: 'package.json', config: { testMatch: t.tests.map((f) => `<rootDir>/${f}`) }, enableFindRelatedTests: false },
    coverageAnalysis: 'perTest',
    // TypeScript 7 has no JS API for Stryker's tsconfig rewriting; swc compiles the sandbox.
    tsconfigFile: 'no-tsconfig-for-stryker.json',
    reporters: ['json', 'clear-text'],
    jsonReporter: { fileName: report },
    clearTextReporter: { reportTests: false, reportMutants: true, reportScoreTable: false },
    tempDirName: work,
    concurrency: 2,
  };
  const file = join(work, `${t.name}.config.json`);
  writeFileSync(file, JSON.stringify(config, null, 1));
  const r = spawnSync(stryker, ['run', file], { cwd: t.dir, encoding: 'utf8' });
  if (r.status !== 0) return { name: t.name, error: (r.stderr || r.stdout).split('\n').filter((l) => /ERROR|Error/.test(l)).slice(0, 3).join(' ') };
  const json = JSON.parse(readFileSync(report, 'utf8'));
  const mutants = Object.entries(json.files).flatMap(([f, v]) => v.mutants.map((m) => ({ ...m, file: f })));
  const count = (s) => mutants.filter((m) => m.status === s).length;
  const killed = count('Killed') + count('Timeout');
  const survived = mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage');
  return { name: t.name, modules: t.modules, total: killed + survived.length, killed, survived };
}

const only = process.argv.slice(2);
mkdirSync(work, { recursive: true });
const results = [];
for (const t of targets(only)) {
  process.stderr.write(`mutation: ${t.name} (${t.modules.map((m) => `src/${m}.ts`).join(', ')})\n`);
  results.push(run(t));
}
rmSync(work, { recursive: true, force: true });

let failed = false;
console.log('| driver | module | mutants | killed | survived | score |');
console.log('|---|---|---|---|---|---|');
for (const r of results) {
  if (r.error) {
    failed = true;
    console.log(`| ${r.name} | | | | | error: ${r.error} |`);
    continue;
  }
  if (r.survived.length) failed = true;
  console.log(`| ${r.name} | ${r.modules.join(', ')} | ${r.total} | ${r.killed} | ${r.survived.length} | ${((100 * r.killed) / Math.max(r.total, 1)).toFixed(1)}% |`);
}
for (const r of results.filter((x) => x.survived?.length)) {
  console.log(`\n${r.name}: surviving mutants`);
  for (const m of r.survived) console.log(`  ${m.file.replace(root + '/', '')}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} -> ${JSON.stringify(m.replacement ?? '')}`);
}
process.exit(failed ? 1 : 0);
