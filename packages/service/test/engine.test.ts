// The action engine on real files, through a real service file.
import { KeywordRegistry, acquireLock, evaluateConfig, parseConfig } from '@capsule/config';
import { CapsuleError, isCapsuleError, systemClock } from '@capsule/core';
import { localExec } from '@capsule/transport';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, type ActionOptions } from '../src/actions.js';
import { buildService } from '../src/build.js';
import { ServiceLog } from '../src/log.js';
import type { Service } from '../src/model.js';
import { readStatusCache } from '../src/cache.js';
import { computeStatus as compute, writeStatusCache, type StatusOptions } from '../src/status.js';
import { ServiceStatus } from '../src/status-schema.js';
import { drivers, markerDriver } from './fixtures/drivers.js';

/** Every status computed here is held to the published strict schema: computeStatus builds it typed, unparsed. */
async function computeStatus(svc: Service, o: StatusOptions) {
  const s = await compute(svc, o);
  return ServiceStatus.parse(s);
}

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-eng-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

const registry = new KeywordRegistry();
for (const g of markerDriver.provides) registry.register(g, undefined, [...markerDriver.keywords]);

/** A service whose resources are marker files in the test directory. */
async function service(body: string, nodename = 'n1'): Promise<Service> {
  const text = body.replaceAll('@DIR@', dir);
  const cfg = await evaluateConfig(parseConfig(text, 'svc.conf'), registry, { nodename, svcname: 'svc' });
  return buildService(cfg, drivers, { root: dir, varDir: join(dir, 'var'), configFile: join(dir, 'svc.conf') });
}

function res(rid: string, extra = ''): string {
  return `[${rid}]\nmarker = @DIR@/${rid}\njournal = @DIR@/journal\n${extra}\n`;
}

const quiet = () => new ServiceLog(join(dir, 'var'), {}, () => undefined);
const opts = (extra: Partial<ActionOptions> = {}): ActionOptions => ({ exec: localExec, log: quiet(), ...extra });
const journal = async () => (await readFile(join(dir, 'journal'), 'utf8').catch(() => '')).trim().split('\n').filter((l) => !/^(begin|end)-/.test(l));
const up = (rid: string) => existsSync(join(dir, rid));

const FULL = `[DEFAULT]\nnodes = n1\n` + res('app#1') + res('fs#1') + res('ip#2') + res('ip#10') + res('container#0') + res('disk#0');

test('start runs in OpenSVC order and stop in reverse', async () => {
  const svc = await service(FULL);
  await runAction(svc, 'start', opts());
  expect(await journal()).toEqual(['start ip#2', 'start ip#10', 'start disk#0', 'start fs#1', 'start container#0', 'start app#1']);
  await runAction(svc, 'stop', opts());
  expect((await journal()).slice(6)).toEqual(['stop app#1', 'stop container#0', 'stop fs#1', 'stop disk#0', 'stop ip#10', 'stop ip#2']);
});

test('a failing app start rolls back fs and ip, and names the resource', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1') + res('fs#1') + res('app#1', 'fail_start = true'));
  await expect(runAction(svc, 'start', opts())).rejects.toMatchObject({ code: 'ActionFailed', message: 'svc: start failed on app#1: app#1 refuses to start' });
  expect(await journal()).toEqual(['start ip#1', 'start fs#1', 'stop fs#1', 'stop ip#1']);
  expect([up('ip#1'), up('fs#1')]).toEqual([false, false]);
});

test('--disable-rollback leaves started resources up', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1') + res('app#1', 'fail_start = true'));
  await expect(runAction(svc, 'start', opts({ disableRollback: true }))).rejects.toThrow(/app#1/);
  expect(up('ip#1')).toBe(true);
});

test('rollback = false (OpenSVC) leaves started resources up, as --disable-rollback does for one action', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\nrollback = false\n` + res('ip#1') + res('app#1', 'fail_start = true'));
  await expect(runAction(svc, 'start', opts())).rejects.toThrow(/app#1/);
  expect([up('ip#1'), await journal()]).toEqual([true, ['start ip#1']]);
});

test.each([
  ['lock_timeout = 2', 2000],
  ['', 60_000],
])('%s: an action waits that long for the lock held by another one (OpenSVC default 60s)', async (line, waitedMs) => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n${line}\n` + res('ip#1'));
  const hold = await acquireLock(svc.varDir, { action: 'stop', waitSeconds: 0, svcname: 'svc' });
  let t = 0;
  const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
  await expect(runAction(svc, 'start', opts({ clock }))).rejects.toMatchObject({ code: 'LockTimeout' });
  expect(t).toBeGreaterThanOrEqual(waitedMs);
  expect(t).toBeLessThan(waitedMs + 250);
  await hold();
});

test('start_requires: a condition on another resource not met fails the start before the resource, naming both', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1', 'start_requires = app#1') + res('app#1'));
  await expect(runAction(svc, 'start', opts())).rejects.toMatchObject({ code: 'ActionFailed', message: 'svc: start failed on ip#1: ip#1: start requires app#1 must be up or stdby up, it is down' });
  expect(await journal()).toEqual([]);
});

test('start_requires and stop_requires met: the actions go on; a missing rid is ignored with a warning', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1') + res('app#1', 'start_requires = ip#1 fs#9\nstop_requires = ip#1(up)'));
  await runAction(svc, 'start', opts());
  await runAction(svc, 'stop', opts());
  expect(await journal()).toEqual(['start ip#1', 'start app#1', 'stop app#1', 'stop ip#1']);
  expect(await readFile(join(dir, 'var/log'), 'utf8')).toMatch(/WARN  app#1: start_requires: no resource fs#9 here, condition ignored/);
});

test('an optional failing resource does not fail the start', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1') + res('fs#1', 'fail_start = true\noptional = true') + res('app#1'));
  await runAction(svc, 'start', opts());
  expect([up('ip#1'), up('fs#1'), up('app#1')]).toEqual([true, false, true]);
  expect(await readFile(join(dir, 'var/log'), 'utf8')).toMatch(/WARN  fs#1: optional resource failed to start: fs#1 refuses to start/);
});

test('a stop failure stops what sits under it from being stopped', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1') + res('app#1', 'fail_stop = true'));
  await runAction(svc, 'start', opts());
  await expect(runAction(svc, 'stop', opts())).rejects.toMatchObject({ code: 'ActionFailed' });
  expect(up('ip#1')).toBe(true);
});

test('sub-actions, --rid, --tags and --subsets select resources', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1', 'tags = front') + res('fs#1', 'tags = front db') + res('app#1', 'subset = g') + res('app#2'));
  await runAction(svc, 'startfs', opts());
  expect(await journal()).toEqual(['start fs#1']);
  await runAction(svc, 'start', opts({ selection: { tags: ['front+db'] } }));
  await runAction(svc, 'start', opts({ selection: { rids: ['app#2'] } }));
  await runAction(svc, 'start', opts({ selection: { subsets: ['g'] } }));
  // fs#1 is already up when --tags selects it again: it is not started twice.
  expect(await journal()).toEqual(['start fs#1', 'start app#2', 'start app#1']);
});

test('a parallel subset starts its resources concurrently', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n[subset#app:web]\nparallel = true\n` + res('app#1', 'subset = web\ndelay = 200') + res('app#2', 'subset = web\ndelay = 200'));
  await runAction(svc, 'start', opts());
  const events = (await readFile(join(dir, 'journal'), 'utf8')).trim().split('\n').filter((e) => / app#\d$/.test(e) && /start/.test(e));
  // Both began before either finished.
  expect(events.slice(0, 2).sort()).toEqual(['begin-start app#1', 'begin-start app#2']);
});

test('dry-run changes nothing and says what would run', async () => {
  const lines: string[] = [];
  const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1', 'pre_start = touch @DIR@/hooked'));
  await runAction(svc, 'start', opts({ dryRun: true, log: new ServiceLog(join(dir, 'var'), {}, (l) => lines.push(l)) }));
  expect(up('ip#1')).toBe(false);
  expect(existsSync(join(dir, 'hooked'))).toBe(false);
  expect(lines).toEqual([`ip#1: pre_start: touch ${dir}/hooked\n`, 'ip#1: would start ip#1 (marker ip#1)\n']);
});

test('hooks run around the resource; a blocking hook failure aborts the start', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n[env]\nwho = capsule\n` + res('ip#1', 'pre_start = echo "pre $who" >> @DIR@/hooks\npost_start = echo post >> @DIR@/hooks') + res('app#1', 'blocking_pre_start = exit 3'));
  await expect(runAction(svc, 'start', opts())).rejects.toMatchObject({ message: 'svc: start failed on app#1: app#1: blocking_pre_start exited 3' });
  expect(await readFile(join(dir, 'hooks'), 'utf8')).toBe('pre capsule\npost\n');
  expect(up('ip#1')).toBe(false);
});

test('a non-blocking hook failure is a warning', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1', 'post_start = exit 1'));
  await runAction(svc, 'start', opts());
  expect(up('ip#1')).toBe(true);
  expect(await readFile(join(dir, 'var/log'), 'utf8')).toMatch(/WARN  ip#1: post_start exited 1/);
});

test('a driver that fails to load fails the build, and what the other drivers created is closed', async () => {
  const text = (`[DEFAULT]\nnodes = n1\n` + res('ip#1') + res('app#1')).replaceAll('@DIR@', dir);
  const cfg = await evaluateConfig(parseConfig(text, 'svc.conf'), registry, { nodename: 'n1', svcname: 'svc' });
  const failing = { load: async (group: string, type?: string) => (group === 'app' ? Promise.reject(new Error('app driver: import timed out')) : drivers.load(group, type)) };
  await expect(buildService(cfg, failing, { root: dir, varDir: join(dir, 'var'), configFile: join(dir, 'svc.conf') })).rejects.toThrow('app driver: import timed out');
  expect(await readFile(join(dir, 'journal'), 'utf8')).toBe('dispose ip#1\n');
});

test('a frozen service refuses actions without --force', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1'));
  // Dated by the clock the engine is given, like every other time it records.
  await runAction(svc, 'freeze', opts({ clock: { now: () => Date.parse('2031-02-03T04:05:06Z'), sleep: systemClock.sleep } }));
  expect(await readFile(join(svc.varDir, 'frozen'), 'utf8')).toBe('2031-02-03T04:05:06.000Z\n');
  await expect(runAction(svc, 'start', opts())).rejects.toMatchObject({ code: 'ServiceFrozen', hint: expect.stringMatching(/thaw.*--force/) });
  await runAction(svc, 'start', opts({ force: true }));
  await runAction(svc, 'thaw', opts());
  await runAction(svc, 'stop', opts());
  expect(up('ip#1')).toBe(false);
});

test('standby resources stay up on stop; shutdown stops them', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1', 'standby = true') + res('app#1'));
  await runAction(svc, 'start', opts());
  await runAction(svc, 'stop', opts());
  expect([up('ip#1'), up('app#1')]).toEqual([true, false]);
  const s = await computeStatus(svc, { runtime: { exec: localExec }, log: quiet().for('x') });
  expect(s.resources['ip#1']?.status).toBe('stdby up');
  await runAction(svc, 'shutdown', opts());
  expect(up('ip#1')).toBe(false);
});

test('disabled resources are not acted on and report n/a', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1', 'disable = true') + res('app#1'));
  await runAction(svc, 'start', opts());
  expect(up('ip#1')).toBe(false);
  const s = await computeStatus(svc, { runtime: { exec: localExec }, log: quiet().for('x') });
  expect(s.resources['ip#1']).toMatchObject({ status: 'n/a', flags: '.D..' });
  expect(s.overall).toBe('up');
});

describe('status', () => {
  const ctx = () => ({ runtime: { exec: localExec }, log: quiet().for('x') });

  test('a driver answering a status it does not know is warn with its answer, never passed on', async () => {
    const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('app#1', 'bad_status = running') + res('app#2'));
    const s = await computeStatus(svc, ctx());
    expect(s.resources['app#1']).toMatchObject({ status: 'warn', log: [expect.stringMatching(/^warn: the driver answered an invalid status: .*"running"/)] });
    expect(s.overall).toBe('warn');
  });

  test('a hanging resource is undef after its timeout; the others are reported', async () => {
    const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1') + res('app#1', 'hang_status = true'));
    await runAction(svc, 'startip', opts());
    const s = await computeStatus(svc, { ...ctx(), timeoutMs: 300 });
    expect(s.resources['app#1']).toMatchObject({ status: 'undef', log: ['warn: status timed out after 0.3s'] });
    expect(s.resources['ip#1']?.status).toBe('up');
  });

  test('statuses are gathered in parallel', async () => {
    const svc = await service(`[DEFAULT]\nnodes = n1\n` + Array.from({ length: 5 }, (_, i) => res(`app#${i}`, 'delay = 200')).join(''));
    await computeStatus(svc, ctx());
    const events = (await readFile(join(dir, 'journal'), 'utf8')).trim().split('\n');
    // Every status began before the first one ended.
    expect(events.slice(0, 5).every((e) => e.startsWith('begin-status'))).toBe(true);
  });

  test('the cache round-trips through the versioned schema', async () => {
    const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1'));
    const s = await computeStatus(svc, ctx());
    await writeStatusCache(svc.varDir, s);
    expect(await readStatusCache(svc.varDir)).toEqual(s);
  });
});

test('an unknown action is refused', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n`);
  try {
    await runAction(svc, 'frobnicate', opts());
    throw new Error('ran');
  } catch (e) {
    expect(isCapsuleError(e) && e.code).toBe('UnknownAction');
  }
});

test('a broken keyword fails only the actions on its resource', async () => {
  const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1') + res('app#1', 'comment = {nothere}'));
  await runAction(svc, 'start', opts({ selection: { rids: ['ip#1'] } }));
  expect(up('ip#1')).toBe(true);
  await expect(runAction(svc, 'start', opts())).rejects.toMatchObject({ code: 'ActionFailed', message: expect.stringMatching(/app#1: svc\.conf:\d+: app#1\.comment: \{nothere\} refers to a keyword that is not set/) });
});

describe('an interrupted action', () => {
  const interrupt = () => new CapsuleError('ActionInterrupted', 'interrupted by SIGINT', { details: { signal: 'SIGINT' } });
  /** An exec that cancels the action once the command naming `when` is launched, as a Ctrl-C at that moment would. */
  const interruptingAt = (ac: AbortController, when: string): ActionOptions['exec'] => (argv, o) => {
    const running = localExec(argv, o);
    if (argv.join(' ').includes(when)) setImmediate(() => ac.abort(interrupt()));
    return running;
  };

  test('kills the running command, starts nothing more, rolls nothing back, and names what is left up', async () => {
    const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1') + res('app#1', 'start_cmd = sleep 30') + res('app#2'));
    const ac = new AbortController();
    const t0 = Date.now();
    await expect(runAction(svc, 'start', opts({ exec: interruptingAt(ac, 'sleep 30'), signal: ac.signal }))).rejects.toMatchObject({
      code: 'ActionInterrupted',
      message: 'svc: start interrupted by SIGINT; left up here: ip#1',
      details: { action: 'start', leftUp: ['ip#1'], signal: 'SIGINT' },
    });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await journal()).toEqual(['start ip#1']);
    expect(await readFile(join(dir, 'var/log'), 'utf8')).toContain('WARN  svc: start interrupted by SIGINT: left up here: ip#1');
  });

  test('cancelled before it began, it does nothing', async () => {
    const svc = await service(`[DEFAULT]\nnodes = n1\n` + res('ip#1'));
    const ac = new AbortController();
    ac.abort(interrupt());
    await expect(runAction(svc, 'start', opts({ signal: ac.signal }))).rejects.toMatchObject({ code: 'ActionInterrupted', details: { leftUp: [] } });
    expect(await journal()).toEqual([]);
    expect(existsSync(join(dir, 'var/lock'))).toBe(false);
  });
});
