// CLI cold start: median wall time of repeated process runs, against bare
// `node -e 0` measured in the same run on the same machine; then the
// packaged CLI (a `pnpm dist --platform linux` tree, else the workspace's)
// and the single-executable guest agent (first run, which unpacks it, and
// warm), with its size.
//
//   node bench/cold-start.mjs [--build DIR] [--agent FILE]
//
// DIR (or $BENCH_LINUX_BUILD) is a linux build; FILE (or $BENCH_GUEST_AGENT) a
// guest agent, by default DIR/lib/guest/svcmgr, else one made here from a
// temporary build (a few seconds).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 30);
const root = mkdtempSync(join(tmpdir(), 'capsule-bench-'));
const opt = (name, env) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : process.env[env];
};

function made(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
}

/** The guest agent to measure: given, in the build, or built here from a temporary linux build. */
function guestAgent(build) {
  const given = opt('--agent', 'BENCH_GUEST_AGENT') ?? (build && join(build, 'lib/guest/svcmgr'));
  if (given && existsSync(given)) return given;
  const out = join(root, 'build');
  made([process.execPath, join(repo, 'apps/platforms/dist/bin/capsule-dist.js'), '--platform', 'linux', '--out', out]);
  const dir = join(out, readdirSync(out).find((d) => d.endsWith('-linux')));
  made([process.execPath, join(repo, 'tooling/bundle/sea.mjs'), '--from', dir, '--out', join(root, 'svcmgr')]);
  return join(root, 'svcmgr');
}

const build = opt('--build', 'BENCH_LINUX_BUILD');
const agent = guestAgent(build);
const svcmgr = build ? [process.execPath, join(build, 'bin/svcmgr')] : [process.execPath, join(repo, 'apps/cli/dist/bin/svcmgr.js')];
const where = build ? 'packaged' : 'workspace';
// A small service: one app whose status is `true`.
mkdirSync(join(root, 'etc/capsule'), { recursive: true });
writeFileSync(join(root, 'etc/capsule/bench1.conf'), '[DEFAULT]\nnodes = bench\n\n[app#1]\nscript = /bin/true\n');
const unpacked = join(root, 'var/lib/capsule/guest-agent');

/** [name, argv, before each run (untimed)] */
const cases = [
  ['node -e 0', [process.execPath, '-e', '0']],
  ['svcmgr --help', [process.execPath, join(repo, 'apps/cli/dist/bin/svcmgr.js'), '--help']],
  ['nodemgr drivers', [process.execPath, join(repo, 'apps/cli/dist/bin/nodemgr.js'), 'drivers']],
  ['svcmon', [process.execPath, join(repo, 'apps/cli/dist/bin/svcmon.js')]],
  [`${where} svcmgr --version`, [...svcmgr, '--version']],
  [`${where} print status`, [...svcmgr, '-s', 'bench1', 'print', 'status']],
  ['agent --version', [agent, '--version']],
  ['agent status, first', [agent, '-s', 'bench1', 'print', 'status'], () => rmSync(unpacked, { recursive: true, force: true })],
  ['agent status, warm', [agent, '-s', 'bench1', 'print', 'status']],
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
    for (const [name, [cmd, ...args], before] of cases) {
      before?.();
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { env: { ...process.env, CAPSULE_ROOT: root, CAPSULE_NODENAME: 'bench' }, stdio: 'ignore' });
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
    const over = m - base;
    console.log(`  ${name.padEnd(28)} ${m.toFixed(1).padStart(7)}   ${over < 0 ? '-' : '+'}${Math.abs(over).toFixed(1)} over node`);
  }
  const mib = statSync(agent).size / 2 ** 20;
  results['agent size MiB'] = +mib.toFixed(1);
  console.log(`guest agent: ${mib.toFixed(1)} MiB (${agent === join(root, 'svcmgr') ? 'built from a temporary linux build' : agent})`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
export default results;
