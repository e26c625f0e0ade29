// Peak resident memory of CLI commands (the process's own maxRSS, reported
// at exit by a preloaded module), median of BENCH_RUNS runs, beside bare
// `node -e 0`. The goal: `print status --refresh` of a one-app
// service under 55 MiB (the Python OpenSVC it replaces: 59 MiB).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = (p) => join(repo, 'apps/cli/dist/bin', `${p}.js`);
const runs = Number(process.env.BENCH_RUNS ?? 7);
const root = mkdtempSync(join(tmpdir(), 'capsule-bench-mem-'));
const report = join(root, 'maxrss');
const preload = join(root, 'report.mjs');
writeFileSync(preload, `import { appendFileSync } from 'node:fs';\nprocess.on('exit', () => appendFileSync(${JSON.stringify(report)}, process.resourceUsage().maxRSS + '\\n'));\n`);
mkdirSync(join(root, 'etc/capsule'), { recursive: true });
writeFileSync(join(root, 'etc/capsule/one.conf'), '[DEFAULT]\nnodes = bench1\n\n[app#0]\nscript = /bin/true\n');
const env = { ...process.env, CAPSULE_ROOT: root, CAPSULE_NODENAME: 'bench1', NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` };

const cases = [
  ['node -e 0', ['-e', '0']],
  ['nodemgr drivers', [bin('nodemgr'), 'drivers']],
  ['print status (cached)', [bin('svcmgr'), '-s', 'one', 'print', 'status']],
  ['print status --refresh', [bin('svcmgr'), '-s', 'one', 'print', 'status', '--refresh']],
  ['start', [bin('svcmgr'), '-s', 'one', 'start']],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  console.log(`peak resident memory, median of ${runs} runs (MiB)`);
  for (const [name, args] of cases) {
    const kib = [];
    for (let i = 0; i < runs; i++) {
      rmSync(report, { force: true });
      const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
      kib.push(Number(readFileSync(report, 'utf8').trim().split('\n').pop()));
    }
    console.log(`  ${name.padEnd(24)} ${(median(kib) / 1024).toFixed(1).padStart(6)}`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
