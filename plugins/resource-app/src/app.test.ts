import type { ActionContext, ExecResult } from '@capsule/core';
import { testContext, testInit } from '@capsule/testenv';
import { App, asUser } from './app.js';

const DEFAULTS = { type: 'forking' as const, timeout: 120, status_timeout: 10, status_log: false, retcodes: '0:up 1:down', kill: 'tree' as const };

/** An exec where runuser reports an unknown user the way util-linux does, and `id` knows only `known`. */
function ctx(scriptCode: number, known: string[]): ActionContext & { calls: string[][] } {
  const calls: string[][] = [];
  const exec = async (argv: readonly string[]): Promise<ExecResult> => {
    calls.push([...argv]);
    if (argv[0] === 'id') return known.includes(argv[2]!) ? { code: 0, stdout: '1000\n', stderr: '' } : { code: 1, stdout: '', stderr: `id: '${argv[2]}': no such user\n` };
    if (argv[0] === 'runuser' && !known.includes(argv[2]!)) return { code: 1, stdout: '', stderr: `runuser: user ${argv[2]} does not exist\n` };
    return { code: scriptCode, stdout: '', stderr: '' };
  };
  return { ...testContext(exec), calls };
}

const app = (user?: string) => new App(testInit('app#1', { ...DEFAULTS, script: '/bin/app', ...(user ? { user } : {}) }));

test.each<[string, string | undefined, number, string[], string, string[]]>([
  ['a running app', undefined, 0, [], 'up', []],
  ['a stopped app', undefined, 1, [], 'down', []],
  ['a stopped app run as a known user', 'www', 1, ['www'], 'down', []],
  ['an app whose user does not exist', 'nosuchuser', 1, [], 'warn', ['warn: user nosuchuser does not exist on this node: fix app#1.user']],
])('status of %s', async (_w, user, code, known, status, log) => {
  const c = ctx(code, known);
  expect(await app(user).status(c)).toEqual({ status, log });
  // The user is looked up only when the check fails.
  if (code === 0) expect(c.calls.some((a) => a[0] === 'id')).toBe(false);
});

test('start as a missing user says so', async () => {
  await expect(app('nosuchuser').start(ctx(1, []))).rejects.toMatchObject({ code: 'AppStartFailed', message: 'app#1: app start exited 1: user nosuchuser does not exist on this node', hint: 'create the user, or fix app#1.user' });
});

test.each([
  ['linux', ['runuser', '-u', 'www', '--', '/bin/app', 'start']],
  ['freebsd', ['su', 'www', '-c', 'exec "$0" "$@"', '/bin/app', 'start']],
  ['sunos', ['su', 'www', '-c', 'exec "$0" "$@"', '/bin/app', 'start']],
])('as a user on %s', (platform, argv) => expect(asUser('www', ['/bin/app', 'start'], platform)).toEqual(argv));
