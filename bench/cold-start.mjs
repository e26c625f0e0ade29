// CLI cold start: median wall time of repeated process runs, against bare
// `node -e 0` measured in the same run on the same machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 30);
const root = mkdtempSync(join(tmpdir(), 'capsule-bench-'));

const cases = [
  ['node -e 0', [process.execPath, '-e', '0']],
  ['svcmgr --help', [process.execPath, join(repo, 'apps/cli/dist/bin/svcmgr.js'), '--help']],
  ['nodemgr drivers', [process.execPath, join(repo, 'apps/cli/dist/bin/nodemgr.js'), 'drivers']],
  ['svcmon', [process.execPath, join(repo, 'apps/cli/dist/bin/svcmon.js')]],
];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const results = {};
try {
  // Interleave the cases so that machine noise hits them all alike.
  const times = Object.fromEntries(cases.map(([name]) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, [cmd, ...args]] of cases) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { env: { ...process.env, CAPSULE_ROOT: root }, stdio: 'ignore' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`${name} exited ${r.status}`);
      times[name].push(ms);
    }
  }
  const base = median(times['node -e 0']);
  console.log(`cold start, median of ${runs} runs (ms)`);
  for (const [name] of cases) {
    const m = median(times[name]);
    results[name] = { median: +m.toFixed(1), overNode: +(m - base).toFixed(1) };
    console.log(`  ${name.padEnd(18)} ${m.toFixed(1).padStart(7)}   +${(m - base).toFixed(1)} over node`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
export default results;
