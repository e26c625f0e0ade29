// App resources running real launcher scripts.
import { isCapsuleError } from '@capsule/core';
import { testContext, testInit } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import driver from '../src/index.js';

let root: string;
const logs: string[] = [];
const ctx = testContext(localExec, { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-app-'));
  await mkdir(join(root, 'etc/capsule/web1.d'), { recursive: true });
  logs.length = 0;
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** A launcher whose status is up while its pid file exists; `fail` makes start fail. */
async function launcher(name: string, body = ''): Promise<string> {
  const path = join(root, 'etc/capsule/web1.d', name);
  await writeFile(
    path,
    `#!/bin/sh
state=${root}/${name}.up
${body}
case "$1" in
start) echo "starting with greeting=$greeting svc=$CAPSULE_SVCNAME"; touch $state ;;
stop) rm -f $state ;;
status) [ -e $state ] && exit 0 || exit 1 ;;
esac
`,
    { mode: 0o755 },
  );
  return path;
}

/** The keywords' defaults, as evaluation applies them. */
const DEFAULTS = Object.fromEntries(driver.keywords.filter((k) => k.default !== undefined).map((k) => [k.name, k.default]));
const app = (config: Record<string, unknown>) =>
  driver.create(testInit('app#1', { ...DEFAULTS, timeout: 5, status_timeout: 5, ...config }, { svcname: 'web1', nodename: 'n1', env: { greeting: 'hello' }, root }));

test('start, status, stop through the launcher, with [env] in its environment', async () => {
  await launcher('shop');
  const a = app({ script: 'shop' });
  expect(a.label()).toBe('shop');
  expect((await a.status(ctx)).status).toBe('down');
  await a.start(ctx);
  expect(logs).toContain('starting with greeting=hello svc=web1');
  expect((await a.status(ctx)).status).toBe('up');
  await a.stop(ctx);
  expect((await a.status(ctx)).status).toBe('down');
});

test('a failing start reports the exit code and the script stderr', async () => {
  await launcher('shop', '[ "$1" = start ] && { echo "port 80 busy" >&2; exit 4; }');
  try {
    await app({ script: 'shop' }).start(ctx);
    throw new Error('started');
  } catch (e) {
    if (!isCapsuleError(e)) throw e;
    expect(e.code).toBe('AppStartFailed');
    expect(e.message).toBe('app#1: shop start exited 4: port 80 busy');
  }
});

test.each([
  [0, 'up', []],
  [1, 'down', []],
  [3, 'warn', ['warn: status exited 3: degraded']],
])('status exit %i is %s', async (code, status, log) => {
  await launcher('shop', `[ "$1" = status ] && { echo degraded >&2; exit ${code}; }`);
  expect(await app({ script: 'shop' }).status(ctx)).toEqual({ status, log });
});

test('no script: n/a with the OpenSVC log line, and start/stop do nothing', async () => {
  const a = app({});
  expect(await a.status(ctx)).toEqual({ status: 'n/a', log: ['# no checkup scripts'] });
  await a.start(ctx);
  expect(a.label()).toBe('app');
});

test('a missing script is a warning on status and a named error on start', async () => {
  const a = app({ script: '/nonexistent/launcher' });
  expect(await a.status(ctx)).toEqual({ status: 'warn', log: ['warn: /nonexistent/launcher is missing or not executable'] });
  await expect(a.start(ctx)).rejects.toMatchObject({ code: 'AppStartFailed', hint: '/nonexistent/launcher is missing or not executable' });
});

test('an absolute script path is used as is', async () => {
  const path = await launcher('abs');
  const a = app({ script: path });
  await a.start(ctx);
  expect(await readFile(join(root, 'abs.up'), 'utf8')).toBe('');
});

describe('OpenSVC and om3 app forms, run for real', () => {
  test('start/stop/check as command lines (om3 app.forking): no launcher, the commands run with environment, cwd and umask', async () => {
    const out = join(root, 'seen');
    const state = join(root, 'myd.up');
    const a = app({
      start: `/bin/sh -c 'echo "$PORT $GREETING $(pwd) $(umask)" > ${out}; touch ${state}'`,
      stop: `rm -f ${state}`,
      check: `test -e ${state}`,
      environment: 'port=8080 "greeting=hi there"',
      cwd: root,
      umask: '027',
    });
    expect(a.label()).toBe('sh');
    expect((await a.status(ctx)).status).toBe('down');
    await a.start(ctx);
    expect((await readFile(out, 'utf8')).trim()).toBe(`8080 hi there ${root} 0027`);
    expect((await a.status(ctx)).status).toBe('up');
    await a.stop(ctx);
    expect((await a.status(ctx)).status).toBe('down');
  });

  test('start = false does nothing, check = true runs the launcher, retcodes map the exit code, status_log keeps the output', async () => {
    await launcher('shop', '[ "$1" = status ] && { echo "3 workers"; echo "queue long" >&2; exit 3; }');
    const a = app({ script: 'shop', start: false, check: true, retcodes: '0:up 1:down 3:n/a', status_log: true });
    await a.start(ctx);
    expect(logs).toEqual([]);
    expect(await a.status(ctx)).toEqual({ status: 'n/a', log: ['3 workers', 'warn: queue long'] });
  });

  test('limit_nofile reaches the launched command (prlimit)', async () => {
    const out = join(root, 'limit');
    await app({ start: `/bin/sh -c 'ulimit -n > ${out}'`, limit_nofile: 123 }).start(ctx);
    expect((await readFile(out, 'utf8')).trim()).toBe('123');
  });

  test('type = simple: capsule runs the command in the background and supervises it; stop signals its process group', async () => {
    const a = app({ type: 'simple', start: '/bin/sleep 600', stop_timeout: 5 });
    expect((await a.status(ctx)).status).toBe('down');
    await a.start(ctx);
    expect((await a.status(ctx)).status).toBe('up');
    const { pid } = JSON.parse(await readFile(join(root, 'var/lib/capsule/web1/app#1.pid'), 'utf8')) as { pid: number };
    // Its own session: an action's timeout, which kills the action's process group, never reaches it.
    expect((await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ')[3]).toBe(String(pid));
    // A second start finds it running and starts nothing.
    await a.start(ctx);
    expect(logs.filter((l) => l.startsWith('started')).length).toBe(1);
    await a.stop(ctx);
    expect((await a.status(ctx)).status).toBe('down');
    expect(() => process.kill(pid, 0)).toThrow();
  });

  // OpenSVC's kill: parent signals the started process alone; capsule's default, tree, its process group.
  test.each([
    ['tree', false],
    ['parent', true],
  ] as const)('type = simple, kill = %s: a child of the app survives the stop: %s', async (kill, survives) => {
    const childPid = join(root, 'child.pid');
    const a = app({ type: 'simple', kill, start: `/bin/sh -c 'sleep 600 & echo $! > ${childPid}; wait'`, stop_timeout: 5 });
    await a.start(ctx);
    await a.stop(ctx);
    const child = Number(await readFile(childPid, 'utf8'));
    const alive = () => {
      try {
        process.kill(child, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 20 && alive() !== survives; i++) await new Promise((res) => setTimeout(res, 50));
    expect(alive()).toBe(survives);
    if (survives) process.kill(child, 'SIGKILL');
  });

  test('type = simple: a command that exits at once is a failed start, with its output', async () => {
    await expect(app({ type: 'simple', start: `/bin/sh -c 'echo "no config" >&2; exit 2'` }).start(ctx)).rejects.toMatchObject({ code: 'AppStartFailed', message: expect.stringContaining('no config') });
    expect((await app({ type: 'simple', start: '/bin/true' }).status(ctx)).status).toBe('down');
  });
});
