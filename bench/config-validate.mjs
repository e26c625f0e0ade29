// `validate config` on big service files: 1k to 100k [app#N] sections (the
// 100k file is about 3 MB) and 40k keywords in one section. Validation is
// linear: ten times the sections should cost about ten times the time.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const svcmgr = join(repo, 'apps/cli/dist/bin/svcmgr.js');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const root = mkdtempSync(join(tmpdir(), 'capsule-bench-validate-'));
const env = { ...process.env, CAPSULE_ROOT: root, CAPSULE_NODENAME: 'bench1' };

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Every app section refers to the [env] section, so references are evaluated too. */
function sections(n) {
  let text = '[DEFAULT]\nnodes = bench1\n\n[env]\nt = 5\n';
  for (let i = 0; i < n; i++) text += `\n[app#${i}]\ntimeout = {env.t}\n`;
  return text;
}

function keywords(n) {
  let text = '[DEFAULT]\nnodes = bench1\n\n[env]\n';
  for (let i = 0; i < n; i++) text += `k${i} = v${i}\n`;
  return text;
}

const cases = [
  ['1k sections', sections(1_000)],
  ['10k sections', sections(10_000)],
  ['100k sections', sections(100_000)],
  ['40k keywords, one section', keywords(40_000)],
];

const results = {};
try {
  mkdirSync(join(root, 'etc/capsule'), { recursive: true });
  console.log(`validate config, median of ${runs} runs (ms)`);
  cases.forEach(([name, text], i) => {
    const file = join(root, 'etc/capsule', `big${i}.conf`);
    writeFileSync(file, text);
    const ms = [];
    for (let r = 0; r < runs; r++) {
      const t0 = process.hrtime.bigint();
      const p = spawnSync(process.execPath, [svcmgr, '-s', `big${i}`, 'validate', 'config'], { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (p.status !== 0) throw new Error(`${name}: exit ${p.status}: ${String(p.stderr).slice(0, 500)}`);
    }
    const m = median(ms);
    results[name] = { median: +m.toFixed(1), bytes: statSync(file).size };
    console.log(`  ${name.padEnd(26)} ${m.toFixed(1).padStart(9)}   ${(statSync(file).size / 1e6).toFixed(1)} MB`);
  });
} finally {
  rmSync(root, { recursive: true, force: true });
}
export default results;
