// nodemgr daemon start|run|stop launch the agent program of @capsule/agent,
// which runs this CLI's svcmgr for its actions: a one-node cluster on
// loopback whose ha service the agent starts by itself. One agent per node,
// however many starts race.
import { killProcessesWithEnv, processesWithEnv, processGone, until } from '@capsule/testenv';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliEntry, cliProcess } from './cli.js';

let root: string;
let env: Record<string, string>;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-daemon-'));
  await mkdir(join(root, 'etc/capsule/web.d'), { recursive: true });
  const port = 20000 + ((process.pid + 7) % 20000);
  await writeFile(join(root, 'etc/capsule/node.conf'), `[cluster]\nname = solo\nnodes = hv1\nsecret = ${'s'.repeat(32)}\n\n[hb#1]\nport = ${port}\naddr@hv1 = 127.0.0.1\n`, { mode: 0o600 });
  await writeFile(join(root, 'etc/capsule/web.d/run'), `#!/bin/sh\ncase "$1" in start) touch ${root}/up ;; stop) rm -f ${root}/up ;; status) [ -e ${root}/up ] ;; esac\n`, { mode: 0o755 });
  await writeFile(join(root, 'etc/capsule/web.conf'), '[DEFAULT]\nnodes = hv1\norchestrate = ha\n\n[app#0]\nscript = run\n');
  env = { CAPSULE_ROOT: root };
});
afterEach(async () => {
  cli('nodemgr', ['daemon', 'stop'], env);
  // Whatever a failed test left: agents, the svcmgr they ran, its scripts.
  await killProcessesWithEnv('CAPSULE_ROOT', root);
  await rm(root, { recursive: true, force: true });
});

/** The agent processes of this test's node, found in /proc by their CAPSULE_ROOT (not the agent's watchdog, the same program in another mode). */
const agents = () => processesWithEnv('CAPSULE_ROOT', root, (argv) => argv.some((w) => w.endsWith('capsule-agent.js')) && !argv.includes('--watchdog'));
const pidFile = () => Number(readFileSync(join(root, 'var/run/capsule/agent.pid'), 'utf8'));

const gone = processGone;

test('start runs capsule-agent detached; it starts the ha service with this svcmgr; stop ends it', async () => {
  const r = cli('nodemgr', ['daemon', 'start'], env);
  expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/agent daemon started \(pid \d+\), log in .*agent\.log/) });
  const pid = Number(readFileSync(join(root, 'var/run/capsule/agent.pid'), 'utf8'));
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  expect(argv.slice(1, 4)).toEqual([expect.stringMatching(/apps\/agent\/dist\/bin\/capsule-agent\.js$/), '--svcmgr', cliEntry('svcmgr')]);
  await until('the agent starts web', () => existsSync(join(root, 'up')));
  expect(cli('nodemgr', ['daemon', 'start'], env).stdout).toBe(`the agent daemon is already running (pid ${pid})\n`);
  expect(cli('nodemgr', ['daemon', 'stop'], env)).toMatchObject({ code: 0, stdout: 'agent daemon stopped\n' });
  await until('the agent process exits', () => gone(pid));
  expect(await readFile(join(root, 'var/log/capsule/agent.log'), 'utf8')).toMatch(/start web: [\s\S]*agent stopped/);
});

test('two starts at once: one agent runs, the other start names it; stop leaves none', async () => {
  const [a, b] = await Promise.all([cliProcess('nodemgr', ['daemon', 'start'], env).done, cliProcess('nodemgr', ['daemon', 'start'], env).done]);
  const pid = pidFile();
  expect(agents()).toEqual([pid]);
  expect([a.code, b.code]).toEqual([0, 0]);
  expect([a.stdout, b.stdout].sort()).toEqual([expect.stringMatching(new RegExp(`^agent daemon started \\(pid ${pid}\\), log in `)), `the agent daemon is already running (pid ${pid})\n`]);
  expect(cli('nodemgr', ['daemon', 'stop'], env)).toMatchObject({ code: 0, stdout: 'agent daemon stopped\n' });
  await until('the agent process exits', () => gone(pid));
  expect(agents()).toEqual([]);
  expect(existsSync(join(root, 'var/run/capsule/agent.lock'))).toBe(false);
});

test('an agent killed with SIGKILL leaves its lock behind, and the next start takes it over', async () => {
  expect(cli('nodemgr', ['daemon', 'start'], env).code).toBe(0);
  const dead = pidFile();
  process.kill(dead, 'SIGKILL');
  await until('the killed agent is gone', () => gone(dead));
  expect(JSON.parse(readFileSync(join(root, 'var/run/capsule/agent.lock'), 'utf8'))).toMatchObject({ pid: dead, action: 'agent' });
  const r = cli('nodemgr', ['daemon', 'start'], env);
  expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/^agent daemon started \(pid \d+\)/) });
  const pid = pidFile();
  expect(pid).not.toBe(dead);
  expect(agents()).toEqual([pid]);
  expect(await readFile(join(root, 'var/log/capsule/agent.log'), 'utf8')).toContain(`agent.lock: its holder, pid ${dead} (agent), is dead: taking over`);
});

test('run stays in the foreground with the agent output, passes SIGTERM on, and exits 0', async () => {
  const child = spawn(process.execPath, [cliEntry('nodemgr'), 'daemon', 'run'], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CAPSULE_NODENAME: 'hv1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await until('the agent answers', () => cli('nodemgr', ['daemon', 'status'], env).code === 0);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/agent of hv1 in cluster solo[\s\S]*agent stopped/);
    expect(cli('nodemgr', ['daemon', 'status'], env).code).toBe(1);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

function runInForeground() {
  const child = spawn(process.execPath, [cliEntry('nodemgr'), 'daemon', 'run'], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CAPSULE_NODENAME: 'hv1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

test('run killed outright (SIGKILL, no chance to pass anything on): the agent stops by itself', async () => {
  const run = runInForeground();
  try {
    await until('the agent answers', () => cli('nodemgr', ['daemon', 'status'], env).code === 0);
    const pid = Number(readFileSync(join(root, 'var/run/capsule/agent.pid'), 'utf8'));
    run.child.kill('SIGKILL');
    await run.exited;
    await until('the orphaned agent exits', () => gone(pid));
    expect(existsSync(join(root, 'var/run/capsule/agent.sock'))).toBe(false);
  } finally {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
  }
});

test('run exits non-zero with the agent error when the agent cannot start', async () => {
  await writeFile(join(root, 'etc/capsule/node.conf'), '[cluster]\nname = solo\n');
  const run = runInForeground();
  expect(await run.exited).toBe(1);
  expect(run.output()).toMatch(/error: .*node\.conf/);
});

test('an edit that would self-fence the running cluster is refused with what it would stop; --force writes it, and the daemon stops its ha service', async () => {
  const conf = join(root, 'etc/capsule/node.conf');
  expect(cli('nodemgr', ['daemon', 'start'], env).code).toBe(0);
  const status = () => JSON.parse(cli('nodemgr', ['daemon', 'status', '--format', 'json'], env).stdout) as { views: Record<string, { services: Record<string, { avail: string }> }> };
  await until('the daemon holds web', () => status().views['hv1']?.services['web']?.avail === 'up');
  // A lone node keeps its quorum: asked of the daemon and let through.
  expect(cli('nodemgr', ['set', '--param', 'cluster.quorum', '--value', 'true'], env)).toMatchObject({ code: 0, stderr: 'the agent daemon reloaded node.conf\n' });
  const written = await readFile(conf, 'utf8');
  const r = cli('nodemgr', ['set', '--param', 'cluster.nodes', '--value', 'hv1 hv2', '--format', 'json'], env);
  expect(r.code).toBe(1);
  const { error } = JSON.parse(r.stderr) as { error: { code: string; message: string; hint: string } };
  expect(error).toMatchObject({
    code: 'WouldSelfFence',
    message: expect.stringMatching(/node\.conf:3: cluster\.nodes: with this file hv1 would have no quorum \(half \(1\/2\) and no arbitrator\) and, as quorum = true, stop its ha services at once: web$/),
    hint: 'start the agents of hv2 first (`nodemgr daemon start` there), then edit again; or --force to write it anyway',
  });
  expect(await readFile(conf, 'utf8')).toBe(written);
  expect(existsSync(join(root, 'up'))).toBe(true);
  const forced = cli('nodemgr', ['set', '--param', 'cluster.nodes', '--value', 'hv1 hv2', '--force'], env);
  expect(forced).toMatchObject({ code: 0, stderr: expect.stringContaining('the agent daemon reloaded node.conf') });
  // What the refusal said: the daemon, now half of a cluster without arbitrator, stops web.
  await until('the daemon self-fences web', () => !existsSync(join(root, 'up')));
  expect(await readFile(join(root, 'var/log/capsule/agent.log'), 'utf8')).toMatch(/stop web: target started, no quorum: self-fencing/);
});
