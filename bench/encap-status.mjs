// Status of a service driving 4 LXC containers, with --refresh: the guests
// are asked concurrently, so it should cost about one guest query, not four.
// Compared, in the same run, with one guest query made directly and with the
// same service driving a single container.
import { TestContainers } from '@capsule/testenv';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 9);
const root = mkdtempSync(join(tmpdir(), 'capsule-bench-encap-'));
const env = { ...process.env, CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1' };
const lxc = new TestContainers();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(argv) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  }
  return median(ms);
}

function service(name, vms) {
  let conf = `[DEFAULT]\nnodes = hv1\nencapnodes = ${vms.map((v) => v.name).join(' ')}\nnodes@encapnodes = {nodename}\n`;
  vms.forEach((v, i) => (conf += `\n[container#${i}]\ntype = lxc\nname = ${v.name}\nlxcpath = ${v.lxcpath}\nstop_timeout = 1\n`));
  for (let i = 0; i < 5; i++) conf += `\n[app#${i}]\ntags = encap\n`;
  writeFileSync(join(root, 'etc/capsule', `${name}.conf`), conf);
  const r = spawnSync(join(repo, 'bin/svcmgr'), ['-s', name, 'start'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`start ${name}: ${r.stderr}`);
}

try {
  mkdirSync(join(root, 'etc/capsule'), { recursive: true });
  const bridge = await lxc.bridge();
  const vms = [];
  for (let i = 0; i < 4; i++) vms.push(await lxc.create({ bridge, agent: true }));
  service('four', vms);
  service('one', vms.slice(0, 1));
  const v = vms[0];
  const direct = time(['lxc-attach', '-P', v.lxcpath, '-n', v.name, '--clear-env', '--', 'svcmgr', '-s', 'four', 'json', 'status', '--refresh']);
  const one = time([join(repo, 'bin/svcmgr'), '-s', 'one', 'print', 'status', '--refresh']);
  const four = time([join(repo, 'bin/svcmgr'), '-s', 'four', 'print', 'status', '--refresh']);
  console.log(`median of ${runs} runs (ms)`);
  console.log(`  one guest query (lxc-attach svcmgr json status --refresh)   ${direct.toFixed(0).padStart(5)}`);
  console.log(`  print status --refresh, service with 1 container            ${one.toFixed(0).padStart(5)}`);
  console.log(`  print status --refresh, service with 4 containers           ${four.toFixed(0).padStart(5)}`);
  for (const s of ['four', 'one']) spawnSync(join(repo, 'bin/svcmgr'), ['-s', s, 'stop'], { env, stdio: 'ignore' });
} finally {
  await lxc.dispose();
  rmSync(root, { recursive: true, force: true });
}
