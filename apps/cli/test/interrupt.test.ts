// SIGINT or SIGTERM to svcmgr while it acts: what the action launched dies
// with it (no orphaned script), nothing is rolled back, the service log and
// stderr name the interrupted action and what is left up, and svcmgr exits
// 128+signal. A switch interrupted during its stop leaves no `migrating`
// marker; the marker of a svcmgr killed outright names a dead owner, and the
// next action removes it.
import { killProcessesWithEnv, processesWithEnv, processGone, until } from '@capsule/testenv';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliProcess } from './cli.js';

let root: string;
let env: Record<string, string>;
const path = (p: string) => join(root, p);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-int-'));
  env = { CAPSULE_ROOT: root };
  await mkdir(path('etc/capsule/web.d'), { recursive: true });
  await writeFile(path('etc/capsule/web.d/fast'), `#!/bin/sh\ncase "$1" in start) touch ${root}/up0 ;; stop) rm -f ${root}/up0 ;; status) [ -e ${root}/up0 ] ;; esac\n`, { mode: 0o755 });
  // Its start and its stop take 30 s, its pid written first: what Ctrl-C used to leave running.
  const slow = `echo $$ > ${root}/slow.pid; sleep 30`;
  await writeFile(path('etc/capsule/web.d/slow'), `#!/bin/sh\ncase "$1" in start) ${slow}; touch ${root}/up1 ;; stop) ${slow}; rm -f ${root}/up1 ;; status) [ -e ${root}/up1 ] ;; esac\n`, { mode: 0o755 });
  await writeFile(path('etc/capsule/web.conf'), '[DEFAULT]\nnodes = hv1 hv2\n\n[app#0]\nscript = fast\n\n[app#1]\nscript = slow\n');
});
afterEach(async () => {
  // Whatever a failed test left running: svcmgr, the scripts it started.
  await killProcessesWithEnv('CAPSULE_ROOT', root);
  await rm(root, { recursive: true, force: true });
});

/** Runs svcmgr until the slow script runs, then signals it; its result once it has exited. */
async function interrupted(args: string[], sig: NodeJS.Signals) {
  const run = cliProcess('svcmgr', ['-s', 'web', ...args], env);
  const pid = await until('the slow script runs', async () => Number(await readFile(path('slow.pid'), 'utf8').catch(() => '')));
  run.child.kill(sig);
  return { ...(await run.done), pid };
}

test.each([
  ['start', 'SIGINT', 130, [], 'app#0'],
  ['stop', 'SIGTERM', 143, ['up0', 'up1'], 'app#0, app#1'],
] as const)('%s interrupted by %s: the script is killed, nothing is rolled back, the log names what is left up, exit %i', async (action, sig, code, up, leftUp) => {
  for (const f of up) await writeFile(path(f), '');
  const r = await interrupted([action], sig);
  expect(r).toMatchObject({ code, signal: null });
  // Gone, not only its shell: nothing svcmgr started runs any more (a zombie nobody reaps here runs nothing).
  expect(processGone(r.pid)).toBe(true);
  expect(processesWithEnv('CAPSULE_ROOT', root)).toEqual([]);
  expect(existsSync(path('up0'))).toBe(true);
  const line = `${action} interrupted by ${sig}: left up here: ${leftUp}`;
  expect(await readFile(path('var/lib/capsule/web/log'), 'utf8')).toContain(`WARN  web: ${line}`);
  expect(r.stderr).toContain(`web: warn: ${line}`);
  expect(r.stderr).toContain(`error: web: ${action} interrupted by ${sig}; left up here: ${leftUp}`);
});

describe('the migrating marker of a switch', () => {
  const marker = () => path('var/lib/capsule/web/migrating');
  const migrating = () => (JSON.parse(cli('svcmgr', ['-s', 'web', 'json', 'status'], env).stdout) as { migrating?: unknown }).migrating;

  /** A switch to hv2, signalled once its stop runs the slow script; the marker it wrote meanwhile. */
  async function switchStopped(sig: NodeJS.Signals) {
    for (const f of ['up0', 'up1']) await writeFile(path(f), '');
    // --force: hv2 is nowhere (the switch's checks of the peer would refuse before the stop this test interrupts).
    const run = cliProcess('svcmgr', ['-s', 'web', 'switch', '--to', 'hv2', '--force'], env);
    await until('the stop runs the slow script', () => existsSync(path('slow.pid')));
    const written = JSON.parse(await readFile(marker(), 'utf8')) as Record<string, unknown>;
    expect(migrating()).toMatchObject({ to: 'hv2' });
    run.child.kill(sig);
    return { written, pid: run.child.pid, result: await run.done };
  }

  test('names its owner, and is gone after a SIGINT during the stop: status shows no migrating', async () => {
    const { written, pid, result } = await switchStopped('SIGINT');
    expect(written).toMatchObject({ to: 'hv2', action: 'switch', pid, start: expect.stringMatching(/.+/) });
    expect(result).toMatchObject({ code: 130, stderr: expect.stringContaining('error: web: switch interrupted by SIGINT; left up here: app#0, app#1') });
    expect(existsSync(marker())).toBe(false);
    expect(migrating()).toBeUndefined();
    expect(cli('svcmgr', ['-s', 'web', 'print', 'status'], env).stdout).not.toMatch(/migrating/);
  });

  test('left by a svcmgr killed outright, it names a dead owner: status ignores it, the next action removes it and logs it', async () => {
    const { pid, result } = await switchStopped('SIGKILL');
    expect(result.signal).toBe('SIGKILL');
    expect(JSON.parse(await readFile(marker(), 'utf8'))).toMatchObject({ pid });
    expect(migrating()).toBeUndefined();
    const r = cli('svcmgr', ['-s', 'web', 'start'], env);
    expect(r.code).toBe(0);
    expect(existsSync(marker())).toBe(false);
    const line = `removed the migrating marker of pid ${pid} (switch to hv2 since `;
    expect(r.stderr).toContain(`web: warn: ${line}`);
    expect(await readFile(path('var/lib/capsule/web/log'), 'utf8')).toMatch(new RegExp(`WARN  web: ${line.replace(/[()]/g, '\\$&')}[^)]+\\): that process is gone`));
  });
});
