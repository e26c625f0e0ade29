import { answerOf, decodeStatus, execRequest, pidOf, statusRequest } from './protocol.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

test.each<[string, string[], Parameters<typeof execRequest>[1], object]>([
  ['argv alone', ['uname', '-r'], {}, { path: 'uname', arg: ['-r'], 'capture-output': true }],
  ['no arguments', ['true'], undefined, { path: 'true', arg: [], 'capture-output': true }],
  ['stdin in base64', ['cat'], { input: 'héllo\n' }, { path: 'cat', arg: [], 'input-data': b64('héllo\n'), 'capture-output': true }],
  ['empty stdin is still stdin', ['cat'], { input: '' }, { path: 'cat', arg: [], 'input-data': '', 'capture-output': true }],
  ['env with the usual PATH added', ['env'], { env: { A: '1', B: 'x y' } }, { path: 'env', arg: [], env: [PATH, 'A=1', 'B=x y'], 'capture-output': true }],
  ['env with its own PATH', ['env'], { env: { PATH: '/opt/bin' } }, { path: 'env', arg: [], env: ['PATH=/opt/bin'], 'capture-output': true }],
  ['cwd through a shell', ['ls', '-l'], { cwd: '/tmp dir' }, { path: 'sh', arg: ['-c', 'cd -- "$1" && shift && exec "$@"', 'sh', '/tmp dir', 'ls', '-l'], 'capture-output': true }],
])('guest-exec: %s', (_, argv, o, args) => {
  expect(execRequest(argv, o)).toEqual({ execute: 'guest-exec', arguments: args });
});

test('guest-exec of an empty argv is refused before anything runs', () => {
  expect(() => execRequest([])).toThrow('empty argv');
});

test('guest-exec-status names the pid', () => {
  expect(JSON.stringify(statusRequest(42))).toBe('{"execute":"guest-exec-status","arguments":{"pid":42}}');
});

test.each<[string, string, unknown]>([
  ['an answer', '{"return":{"pid":7}}\n\n', { pid: 7 }],
  ['an empty answer', '{"return":{}}', {}],
  ['an error object', '{"error":{"class":"GenericError","desc":"x"}}', undefined],
  ['not JSON', 'error: something', undefined],
  ['JSON that is no object', '42', undefined],
])('the return of %s', (_, stdout, expected) => {
  expect(answerOf(stdout)).toEqual(expected);
});

test.each<[string, unknown, number | undefined]>([
  ['a pid', { pid: 7 }, 7],
  ['no pid', {}, undefined],
  ['a pid that is a string', { pid: '7' }, undefined],
  ['nothing', undefined, undefined],
])('the pid of %s', (_, answer, pid) => {
  expect(pidOf(answer)).toBe(pid);
});

test.each<[string, unknown, ReturnType<typeof decodeStatus>]>([
  ['still running', { exited: false }, { exited: false }],
  ['exit 0 with output', { exited: true, exitcode: 0, 'out-data': b64('out\n'), 'err-data': b64('err\n'), 'out-truncated': false, 'err-truncated': false }, { exited: true, code: 0, stdout: Buffer.from('out\n'), stderr: Buffer.from('err\n'), truncated: false }],
  ['exit 3 with no output at all', { exited: true, exitcode: 3 }, { exited: true, code: 3, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), truncated: false }],
  ['killed by signal 9', { exited: true, signal: 9 }, { exited: true, code: 137, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), truncated: false }],
  ['stdout cut by the agent', { exited: true, exitcode: 0, 'out-data': b64('x'), 'out-truncated': true }, { exited: true, code: 0, stdout: Buffer.from('x'), stderr: Buffer.alloc(0), truncated: true }],
  ['stderr cut by the agent', { exited: true, exitcode: 0, 'err-truncated': true }, { exited: true, code: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), truncated: true }],
  ['exited without a code', { exited: true }, undefined],
  ['no exited member', { exitcode: 0 }, undefined],
  ['not an object', 'x', undefined],
])('guest-exec-status %s', (_, answer, status) => {
  expect(decodeStatus(answer)).toEqual(status);
});
