// The vzctl, vzlist and vzmigrate simulators' fidelity: arguments, output and exit codes of vzctl(8), vzlist(8), vzmigrate(8).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run, testHosts } from '../../vmhost/lib/run.mjs';

const host = testHosts(fileURLToPath(new URL('../bin', import.meta.url)));

function ct(h, ctid = '101') {
  mkdirSync(h.path('etc/vz/conf'), { recursive: true });
  mkdirSync(h.path('vz/root', ctid), { recursive: true });
  writeFileSync(h.path('etc/vz/conf', `${ctid}.conf`), `ONBOOT="yes"\nVE_ROOT="${h.path('vz/root')}/$VEID"\nVE_PRIVATE="/vz/private/$VEID"\nHOSTNAME="ct${ctid}"\nNAME="web"\nIP_ADDRESS="198.51.100.11"\n`);
}

test('start, status, exec2, stop: messages and exit codes', async () => {
  const h = host();
  ct(h);
  assert.deepEqual(await run(h, 'vzctl', ['status', '101']), { code: 0, stdout: 'CTID 101 exist unmounted down\n', stderr: '' });
  assert.deepEqual(await run(h, 'vzctl', ['start', '101']), { code: 0, stdout: 'Starting container...\nContainer is mounted\nContainer start in progress...\n', stderr: '' });
  assert.deepEqual(await run(h, 'vzctl', ['start', 'web']), { code: 32, stdout: '', stderr: 'Container is already running\n' });
  assert.equal((await run(h, 'vzctl', ['status', 'web'])).stdout, 'CTID 101 exist mounted running\n');
  const inside = await run(h, 'vzctl', ['exec2', '101', 'echo $CAPSULE_ROOT $CAPSULE_NODENAME $CAPSULE_SIM_STATE; cat; exit 5'], { input: 'in' });
  assert.deepEqual(inside, { code: 5, stdout: `${h.path('vz/root/101')} ct101\nin`, stderr: '' });
  // exec reports a failing command as its own error 8; exec3 runs argv without a shell.
  assert.equal((await run(h, 'vzctl', ['exec', '101', 'false'])).code, 8);
  assert.equal((await run(h, 'vzctl', ['exec3', '101', 'echo', 'a;b'])).stdout, 'a;b\n');
  assert.deepEqual(await run(h, 'vzctl', ['stop', '101']), { code: 0, stdout: 'Stopping container ...\nContainer was stopped\nContainer is unmounted\n', stderr: '' });
  assert.deepEqual(await run(h, 'vzctl', ['stop', '101']), { code: 31, stdout: '', stderr: 'Unable to stop: container is not running\n' });
  assert.deepEqual(await run(h, 'vzctl', ['exec2', '101', 'true']), { code: 31, stdout: '', stderr: 'Container is not running\n' });
});

test('unknown containers, a locked one, no permission', async () => {
  const h = host();
  assert.deepEqual(await run(h, 'vzctl', ['status', '999']), { code: 0, stdout: 'CTID 999 deleted unmounted down\n', stderr: '' });
  assert.deepEqual(await run(h, 'vzctl', ['start', '999']), { code: 14, stdout: '', stderr: 'Container config file does not exist\n' });
  ct(h);
  h.fault('busy', '101');
  assert.deepEqual(await run(h, 'vzctl', ['start', '101']), { code: 9, stdout: '', stderr: 'Container already locked\n' });
  h.clearFault('busy', '101');
  h.fault('denied');
  const denied = await run(h, 'vzctl', ['status', '101']);
  assert.equal(denied.code, 3);
  assert.match(denied.stderr, /Permission denied/);
});

test('a container ignoring halt: vzctl stop waits, then kills it; a killed vzctl leaves a stale lock the next one takes over', async () => {
  const h = host();
  ct(h);
  await run(h, 'vzctl', ['start', '101']);
  h.fault('ignore-shutdown', '101');
  h.fault('stop-timeout', undefined, '1');
  const slow = await run(h, 'vzctl', ['stop', '101']);
  assert.deepEqual([slow.code, slow.stderr], [0, 'Unable to stop container: operation timed out\n']);
  assert.match(slow.stdout, /Killing container \.\.\.\nContainer was stopped/);
  await run(h, 'vzctl', ['start', '101']);
  h.fault('stop-timeout', undefined, '30');
  const stuck = spawn(`${h.bin}/vzctl`, ['stop', '101'], { env: { ...process.env, ...h.env }, stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 700));
  stuck.kill('SIGKILL');
  await new Promise((r) => stuck.on('exit', r));
  assert.equal((await run(h, 'vzctl', ['stop', '101', '--fast'])).code, 0);
  assert.equal((await run(h, 'vzctl', ['status', '101'])).stdout, 'CTID 101 exist unmounted down\n');
});

test('vzlist: running only by default, -a all, -j JSON, CTIDs as operands', async () => {
  const h = host();
  ct(h, '101');
  ct(h, '102');
  await run(h, 'vzctl', ['start', '102']);
  assert.deepEqual(JSON.parse((await run(h, 'vzlist', ['-j'])).stdout).map((c) => [c.ctid, c.status]), [[102, 'running']]);
  const all = JSON.parse((await run(h, 'vzlist', ['-a', '-j'])).stdout);
  assert.deepEqual(all.map((c) => [c.ctid, c.status, c.hostname, c.ip]), [[101, 'stopped', 'ct101', ['198.51.100.11']], [102, 'running', 'ct102', ['198.51.100.11']]]);
  assert.deepEqual(await run(h, 'vzlist', ['-j', '999']), { code: 1, stdout: '', stderr: 'Container(s) not found\n' });
});

test('vzmigrate --online moves config and run state; errors by exit code', async () => {
  const h = host();
  const peer = host();
  ct(h);
  await run(h, 'vzctl', ['start', '101']);
  assert.equal((await run(h, 'vzmigrate', ['--online', 'nowhere', '101'])).code, 4);
  assert.equal((await run(h, 'vzmigrate', ['--online', 'hv2', '555'])).code, 10);
  h.peer('hv2', peer);
  ct(peer);
  assert.equal((await run(h, 'vzmigrate', ['--online', 'hv2', '101'])).code, 9);
  rmSync(peer.path('etc/vz/conf/101.conf'));
  const moved = await run(h, 'vzmigrate', ['--online', 'hv2', '101']);
  assert.equal(moved.code, 0);
  assert.match(moved.stdout, /^Starting online migration of CT 101 to hv2\n.*Live migrating container/s);
  assert.equal((await run(h, 'vzctl', ['status', '101'])).stdout, 'CTID 101 deleted unmounted down\n');
  assert.equal((await run(peer, 'vzctl', ['status', '101'])).stdout, 'CTID 101 exist mounted running\n');
  assert.equal(existsSync(h.path('etc/vz/conf/101.conf')), false);
});

/** Every line of the corpus, and how a test puts a container there: the vzctl version the host plays and the container's run state. */
const CORPUS_STATES = [
  ['status-4x.txt', '4.7', { state: 'running' }],
  ['status-4x.txt', '4.7', { state: 'stopped' }],
  ['status-4x.txt', '4.7', { state: 'suspended' }],
  ['status-4x.txt', '4.7', null],
  ['status-4x.txt', '4.7', { state: 'mounted' }],
  ['status-3x-running-suspended.txt', '3.0.30', { state: 'running', dump: true }],
  ['status-veid.txt', '7.0', { state: 'running' }],
  ['status-veid.txt', '7.0', { state: 'paused' }],
  ['status-veid.txt', '7.0', { state: 'suspended' }],
  ['status-veid.txt', '3.0.22', { state: 'stopped' }],
  ['status-vpsid.txt', '3.0.11', { state: 'running' }],
];

test('every line of the corpus is what vzctl status prints for its version and state', async () => {
  const printed = [];
  for (const [, version, rec] of CORPUS_STATES) {
    const h = host();
    writeFileSync(h.path('vzctl.version'), version);
    if (rec) {
      ct(h);
      writeFileSync(h.path('guests/101.json'), JSON.stringify({ name: '101', ...rec }));
    }
    printed.push((await run(h, 'vzctl', ['status', '101'])).stdout);
  }
  const corpus = [...new Set(CORPUS_STATES.map(([f]) => f))].flatMap((f) => readFileSync(new URL(`../corpus/${f}`, import.meta.url), 'utf8').trim().split('\n'));
  assert.deepEqual(printed.map((l) => l.trimEnd()).sort(), corpus.sort());
});

test('a paused container (vzctl 7) resumes; a suspended one is restored by start; vzlist says so', async () => {
  const h = host();
  ct(h);
  writeFileSync(h.path('vzctl.version'), '7.0');
  writeFileSync(h.path('guests/101.json'), JSON.stringify({ name: '101', state: 'paused' }));
  assert.equal(JSON.parse((await run(h, 'vzlist', ['-a', '-j'])).stdout)[0].status, 'paused');
  assert.equal((await run(h, 'vzctl', ['start', '101'])).code, 32);
  assert.equal((await run(h, 'vzctl', ['resume', '101'])).code, 0);
  assert.equal((await run(h, 'vzctl', ['status', '101'])).stdout, 'VEID 101 exist mounted running\n');
  writeFileSync(h.path('guests/101.json'), JSON.stringify({ name: '101', state: 'suspended' }));
  assert.equal(JSON.parse((await run(h, 'vzlist', ['-a', '-j'])).stdout)[0].status, 'suspended');
  assert.match((await run(h, 'vzctl', ['start', '101'])).stdout, /^Dump file \/vz\/dump\/Dump\.101 exists, trying to restore from it\n/);
  assert.equal((await run(h, 'vzctl', ['status', '101'])).stdout, 'VEID 101 exist mounted running\n');
});
