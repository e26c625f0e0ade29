// Status of a service driving QEMU guests (software emulation) reached over
// ssh, with --refresh: 1 VM and 4 VMs, guests asked concurrently. The same
// figures with LXC are in encap-status.mjs.
import { TestVms } from '@capsule/testenv';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const root = mkdtempSync(join(tmpdir(), 'capsule-bench-kvm-'));
const env = { ...process.env, CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1', CAPSULE_GUEST_STATUS_TIMEOUT: '120' };
const vms = new TestVms();
const svcmgr = join(repo, 'bin/svcmgr');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function run(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(svcmgr, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`svcmgr ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function service(name, guests) {
  let conf = `[DEFAULT]\nnodes = hv1\nencapnodes = ${guests.map((_, i) => `vm${i}`).join(' ')}\nnodes@encapnodes = {nodename}\n`;
  guests.forEach((g, i) => (conf += `\n[container#${i}]\ntype = kvm\nname = ${g.name}\nhostname = vm${i}\naddress = ${g.address}\nstart_timeout = 300\nstop_timeout = 30\n`));
  conf += `\n[app#0]\nscript = ${repo}apps/cli/test/fixtures/shop\ntags = encap\n`;
  writeFileSync(join(root, 'etc/capsule', `${name}.conf`), conf);
}

try {
  const ssh = join(root, 'etc/capsule/ssh');
  mkdirSync(ssh, { recursive: true });
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(ssh, 'id_ed25519')]);
  const key = readFileSync(join(ssh, 'id_ed25519.pub'), 'utf8').trim();
  const guests = [];
  for (let i = 0; i < 4; i++) guests.push(await vms.define({ hostname: `vm${i}`, agent: { authorizedKey: key } }));
  writeFileSync(join(ssh, 'known_hosts'), guests.map((g) => g.knownHostsLine).join('\n') + '\n');
  service('four', guests);
  service('one', guests.slice(0, 1));
  const t0 = Date.now();
  run(['-s', 'four', 'start']);
  console.log(`start of 4 VMs and their agents: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  run(['-s', 'one', 'start']);
  const one = median(Array.from({ length: runs }, () => run(['-s', 'one', 'print', 'status', '--refresh'])));
  const four = median(Array.from({ length: runs }, () => run(['-s', 'four', 'print', 'status', '--refresh'])));
  console.log(`median of ${runs} runs (ms)`);
  console.log(`  print status --refresh, service with 1 VM        ${one.toFixed(0).padStart(6)}`);
  console.log(`  print status --refresh, service with 4 VMs       ${four.toFixed(0).padStart(6)}`);
  run(['-s', 'one', 'stop']);
  run(['-s', 'four', 'stop']);
} finally {
  await vms.dispose();
  rmSync(root, { recursive: true, force: true });
}
