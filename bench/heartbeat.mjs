// Heartbeat cost of one agent daemon with 16 and 64 peers: simulated peers
// on loopback (127.0.1.N) send signed heartbeats every second carrying 10
// services each, and hear the daemon's. Reports the daemon's CPU, the bytes
// per second in and out, and its resident memory.
import { encodeHeartbeat } from '@capsule/cluster';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const secret = 'bench-heartbeat-secret-0123456789abcdef';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cpuTicks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function run(peers) {
  const root = mkdtempSync(join(tmpdir(), 'capsule-bench-hb-'));
  const names = Array.from({ length: peers }, (_, i) => `peer${i + 1}`);
  const port = 10900;
  mkdirSync(join(root, 'etc/capsule'), { recursive: true });
  const addrs = [`addr@hv0 = 127.0.0.1`, ...names.map((n, i) => `addr@${n} = 127.0.1.${i + 1}`)].join('\n');
  writeFileSync(join(root, 'etc/capsule/node.conf'), `[cluster]\nname = bench\nnodes = hv0 ${names.join(' ')}\nsecret = ${secret}\n\n[hb#1]\ntype = unicast\nport = ${port}\ninterval = 1s\ntimeout = 3s\n${addrs}\n`, { mode: 0o600 });
  // The agent itself (what `nodemgr daemon run` runs), so that its CPU and memory are what is measured.
  const daemon = spawn(process.execPath, [`${repo}apps/agent/dist/bin/capsule-agent.js`, '--svcmgr', `${repo}apps/cli/dist/bin/svcmgr.js`], { env: { ...process.env, CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv0' }, stdio: 'ignore' });
  let bytesIn = 0;
  let bytesOut = 0;
  const services = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`svc${i}`, { avail: 'up', overall: 'up', frozen: false, startFailed: false, csum: 'a'.repeat(64), mtime: Date.now() }]));
  let daemonSeq = 0;
  const sockets = await Promise.all(
    names.map(
      (n, i) =>
        new Promise((resolve) => {
          const s = createSocket('udp4');
          s.on('message', (m) => {
            bytesIn += m.length;
            // Echo the daemon's latest heartbeat, as a peer's view does: without it the daemon counts nobody alive.
            try {
              daemonSeq = JSON.parse(m.subarray(36).toString()).seq;
            } catch {
              // not a heartbeat
            }
          });
          s.bind(port, `127.0.1.${i + 1}`, () => resolve(s));
        }),
    ),
  );
  let seq = 0;
  const timer = setInterval(() => {
    seq++;
    names.forEach((n, i) => {
      const peersHeard = Object.fromEntries([['hv0', [100, daemonSeq]], ...names.filter((x) => x !== n).map((x) => [x, [100, seq]])]);
      const buf = encodeHeartbeat({ cluster: 'bench', node: n, boot: 'bench', seq, ts: Date.now(), view: { frozen: false, up: seq * 1000, peers: peersHeard, services } }, secret);
      bytesOut += buf.length;
      sockets[i].send(buf, port, '127.0.0.1');
    });
  }, 1000);
  try {
    await sleep(5000);
    bytesIn = 0;
    bytesOut = 0;
    const t0 = cpuTicks(daemon.pid);
    await sleep(seconds * 1000);
    const cpu = ((cpuTicks(daemon.pid) - t0) / 100 / seconds) * 100;
    console.log(`${peers} peers: daemon CPU ${cpu.toFixed(1)}%, received ${(bytesOut / seconds / 1024).toFixed(1)} KiB/s, sent ${(bytesIn / seconds / 1024).toFixed(1)} KiB/s, RSS ${rssMiB(daemon.pid).toFixed(0)} MiB`);
  } finally {
    clearInterval(timer);
    for (const s of sockets) s.close();
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('exit', r));
    rmSync(root, { recursive: true, force: true });
  }
}

for (const n of [16, 64]) await run(n);
