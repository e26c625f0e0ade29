// Failover time: from the power loss of the node running a service (every
// process killed, link down, as in the real test) to the service address
// answering a client from another node. Three nodes in network namespaces,
// heartbeats every 1 s, timeout 3 s; BENCH_RUNS runs (default 5).
import { SVC_ADDR as ADDR, SVC_PORT, TestCluster, writeWebService } from '@capsule/testenv';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const c = await TestCluster.create({ nodes: ['hv1', 'hv2', 'hv3'], nodemgr: `${repo}apps/cli/dist/bin/nodemgr.js`, interval: '1s', timeout: '3s', port: 10400 });
try {
  // The real tests' service (monitor included): its address, an app answering the node's name.
  await writeWebService(c);
  for (const n of c.nodes.keys()) c.startDaemon(n);
  const who = async () => (await c.client.exec(['curl', '-s', '--http0.9', '--max-time', '0.3', `http://${ADDR}:${SVC_PORT}/`])).stdout;
  const until = async (fn, ms = 60_000) => {
    const t0 = Date.now();
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() - t0 > ms) throw new Error('timed out');
      await sleep(50);
    }
  };
  const figures = [];
  for (let i = 0; i < runs; i++) {
    const holder = await until(who);
    // Power loss at a random phase of the heartbeat interval, as in life.
    await sleep(Math.random() * 1000);
    await c.powerOff(holder);
    const t0 = Date.now();
    const next = await until(async () => {
      const w = await who();
      return w && w !== holder ? w : undefined;
    });
    figures.push(Date.now() - t0);
    console.log(`run ${i + 1}: ${holder} lost, ${next} answers after ${figures.at(-1)} ms`);
    if (process.env.BENCH_DEBUG) console.log('power off at', new Date(t0).toISOString(), '\n' + c.node(next).log.slice(-1).join('\n') + '\n' + (await import('node:fs')).readFileSync(`${c.node(next).root}/var/lib/capsule/web/log`, 'utf8').trim().split('\n').slice(-8).join('\n'));
    await c.powerOn(holder);
    // Let the node rejoin before the next loss.
    await until(async () => (await c.cli(holder, 'nodemgr', ['daemon', 'status'])).stdout.includes('majority (3/3)'));
  }
  const sorted = [...figures].sort((a, b) => a - b);
  console.log(`failover (interval 1s, timeout 3s), ${runs} runs: median ${sorted[Math.floor(runs / 2)]} ms, max ${sorted.at(-1)} ms, min ${sorted[0]} ms`);
} finally {
  await c.dispose();
}
