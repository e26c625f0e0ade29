// What an acknowledged config edit costs: `svcmgr set` on a three-node
// cluster (sshd and agents in network namespaces) waits until a majority of
// the service's nodes hold and mark the edit (docs/architecture.md, "No
// acknowledged edit is lost"); `--local` writes this node alone. Also with
// one node down, where the edit still needs a majority: two of three.
// BENCH_RUNS edits of each kind (default 10).
import { TestCluster, writeWebService } from '@capsule/testenv';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 10);

const c = await TestCluster.create({ nodes: ['hv1', 'hv2', 'hv3'], nodemgr: `${repo}apps/cli/dist/bin/nodemgr.js`, port: 10900, ssh: true });
try {
  await writeWebService(c);
  for (const n of c.nodes.keys()) c.startDaemon(n);
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return `median ${s[Math.floor(s.length / 2)]} ms, max ${s.at(-1)} ms`;
  };
  const time = async (args) => {
    const t0 = Date.now();
    const r = await c.cli('hv1', 'svcmgr', ['-s', 'web', 'set', ...args]);
    if (r.code !== 0) throw new Error(`set ${args.join(' ')}: ${r.stderr}`);
    return Date.now() - t0;
  };
  let k = 0;
  const series = async (label, extra = []) => {
    const xs = [];
    for (let i = 0; i < runs; i++) xs.push(await time(['--param', `env.bench_${k++}`, '--value', String(i), ...extra]));
    console.log(`${label}: ${stats(xs)}`);
  };
  await series('set, acknowledged by 3 of 3');
  await series('set --local, this node only', ['--local']);
  await c.powerOff('hv3');
  await series('set, acknowledged with hv3 powered off (2 of 3)');
} finally {
  await c.dispose();
}
