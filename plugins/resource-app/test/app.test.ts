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

const app = (config: Record<string, unknown>) =>
  driver.create(testInit('app#1', { timeout: 5, status_timeout: 5, ...config }, { svcname: 'web1', nodename: 'n1', env: { greeting: 'hello' }, root }));

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
