// A guest command's round trip over ssh, three ways, against one real sshd
// in a test namespace: the reused ssh2 connection capsule keeps per host,
// a new ssh2 connection per command, and the OpenSSH client (`ssh host true`).
import { startSshd, TestNetwork } from '@capsule/testenv';
import { SshPool, sshExec } from '@capsule/transport/ssh';
import { spawnSync } from 'node:child_process';

const runs = Number(process.env.BENCH_RUNS ?? 30);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(ms);
}

const net = new TestNetwork();
let sshd;
try {
  const host = await net.host();
  const { there } = await net.linkToHere(host, 'eth0');
  sshd = await startSshd(host, there);
  const e = sshd.endpoint;
  const ok = (r) => {
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  };

  const pool = new SshPool();
  const reused = sshExec(pool, e);
  ok(await reused(['true']));
  const tReused = await time(async () => ok(await reused(['true'])));
  await pool.close();

  const tNew = await time(async () => {
    const p = new SshPool();
    ok(await sshExec(p, e)(['true']));
    await p.close();
  });

  const sshArgs = ['-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${e.knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-i', e.identityFile, `${e.user}@${e.host}`, 'true'];
  const tOpenssh = await time(async () => {
    const r = spawnSync('ssh', sshArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`ssh: ${r.stderr}`);
  });

  console.log(`median of ${runs} runs (ms), \`true\` on a test host`);
  console.log(`  ssh2, reused connection (capsule)       ${tReused.toFixed(1).padStart(7)}`);
  console.log(`  ssh2, new connection per command        ${tNew.toFixed(1).padStart(7)}  (${(tNew / tReused).toFixed(1)}x)`);
  console.log(`  OpenSSH client, ssh host true           ${tOpenssh.toFixed(1).padStart(7)}  (${(tOpenssh / tReused).toFixed(1)}x)`);
} finally {
  await sshd?.dispose();
  await net.dispose();
}
