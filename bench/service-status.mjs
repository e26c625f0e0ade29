// print status on a node with many services of 10 app resources each:
// cached (no drivers loaded) and refreshed (every check runs, in parallel),
// at 20, 100 and 200 services; plus a service whose checks take 0.1 s x 9
// and 0.5 s x 1, to show a refresh costs the slowest check, not the sum.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const svcmgr = join(repo, 'apps/cli/dist/bin/svcmgr.js');
const svcmon = join(repo, 'apps/cli/dist/bin/svcmon.js');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const root = mkdtempSync(join(tmpdir(), 'capsule-bench-status-'));
const env = { ...process.env, CAPSULE_ROOT: root, CAPSULE_NODENAME: 'bench1' };

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time(args, program = svcmgr) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [program, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  }
  return median(ms);
}

function addService(name, sleeps) {
  const d = join(root, 'etc/capsule', `${name}.d`);
  mkdirSync(d, { recursive: true });
  let conf = '[DEFAULT]\nnodes = bench1\n';
  sleeps.forEach((s, i) => {
    const script = join(d, `check${i}`);
    writeFileSync(script, `#!/bin/sh\n[ "$1" = status ] && sleep ${s}\nexit 0\n`);
    chmodSync(script, 0o755);
    conf += `\n[app#${i}]\nscript = check${i}\n`;
  });
  writeFileSync(join(root, 'etc/capsule', `${name}.conf`), conf);
}

const node0 = median(Array.from({ length: runs }, () => { const t0 = process.hrtime.bigint(); spawnSync(process.execPath, ['-e', '0']); return Number(process.hrtime.bigint() - t0) / 1e6; }));
try {
  mkdirSync(join(root, 'etc/capsule'), { recursive: true });
  const rows = [];
  let count = 0;
  for (const target of [20, 100, 200]) {
    for (; count < target; count++) {
      addService(`svc${count}`, Array(10).fill(0));
      // Fill the cache the way a node does after an action.
      spawnSync(process.execPath, [svcmgr, '-s', `svc${count}`, 'print', 'status', '--refresh'], { env, stdio: 'ignore' });
    }
    rows.push([target, time(['-s', 'svc0', 'print', 'status']), time(['-s', 'svc0', 'print', 'status', '--refresh']), time([], svcmon)]);
  }
  addService('slow', [0.5, ...Array(9).fill(0.1)]);
  const slow = time(['-s', 'slow', 'print', 'status', '--refresh']);
  console.log(`median of ${runs} runs (ms); bare node ${node0.toFixed(0)}`);
  console.log('  services  print status (cached)  print status --refresh (10 apps)  svcmon (all, cached)');
  for (const [n, cached, refresh, mon] of rows) console.log(`  ${String(n).padStart(8)}  ${cached.toFixed(0).padStart(21)}  ${refresh.toFixed(0).padStart(32)}  ${mon.toFixed(0).padStart(20)}`);
  console.log(`  refresh of 10 checks taking 0.5 s + 9 x 0.1 s (sum 1.4 s): ${slow.toFixed(0)} ms`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
