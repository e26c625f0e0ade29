// The qga Exec against a scripted virsh: polling, timeout and kill, abort,
// output cap, and virsh's failures. The real agent is in driver-kvm's tests.
import { CapsuleError, type Exec, type ExecOptions, type ExecResult } from '@capsule/core';
import { qgaExec } from './exec.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const ok = (ret: unknown): ExecResult => ({ code: 0, stdout: `${JSON.stringify({ return: ret })}\n`, stderr: '' });

interface Call {
  argv: readonly string[];
  request: { execute: string; arguments?: Record<string, unknown> };
  options: ExecOptions | undefined;
}

/**
 * A virsh whose agent answers guest-exec with `pid` (or what `onExec`
 * says), and the polls of that pid with the next of `statuses` (the last
 * one repeats); any other pid has exited 0.
 */
function fakeVirsh(statuses: ExecResult[], o: { pid?: number; onExec?: (args: Record<string, unknown>) => ExecResult | undefined } = {}) {
  const calls: Call[] = [];
  const pid = o.pid ?? 300;
  let next = 0;
  const exec: Exec = async (argv, options) => {
    const request = JSON.parse(argv.at(-1)!) as Call['request'];
    calls.push({ argv, request, options });
    if (request.execute === 'guest-exec') return o.onExec?.(request.arguments!) ?? ok({ pid });
    if (request.arguments?.['pid'] !== pid) return ok({ exited: true, exitcode: 0 });
    return statuses[Math.min(next++, statuses.length - 1)]!;
  };
  return { exec, calls, requests: () => calls.map((c) => JSON.stringify(c.request)) };
}

const vm = { uri: 'qemu:///system', domain: 'vm1' };

test('guest-exec, then status polls until the command exits: its code, stdout and stderr', async () => {
  const v = fakeVirsh([ok({ exited: false }), ok({ exited: false }), ok({ exited: true, exitcode: 3, 'out-data': b64('out\n'), 'err-data': b64('err\n') })], { pid: 41 });
  expect(await qgaExec(vm, v.exec)(['sh', '-c', 'x'], { input: 'in' })).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
  expect(v.calls[0]!.argv.slice(0, -1)).toEqual(['virsh', '-c', 'qemu:///system', 'qemu-agent-command', '--timeout', '10', 'vm1']);
  expect(v.requests()).toEqual([
    `{"execute":"guest-exec","arguments":{"path":"sh","arg":["-c","x"],"input-data":"${b64('in')}","capture-output":true}}`,
    ...Array(3).fill('{"execute":"guest-exec-status","arguments":{"pid":41}}'),
  ]);
  // Every virsh call is bounded, and status answers may carry both streams at the cap in base64.
  expect(v.calls.every((c) => c.options?.timeoutMs === 15_000)).toBe(true);
  expect(v.calls[1]!.options?.maxOutputBytes).toBeGreaterThan((2 * 4 * 16 * 1024 * 1024) / 3);
});

test('a command killed by a signal exits 128+signal', async () => {
  const v = fakeVirsh([ok({ exited: true, signal: 15 })]);
  expect(await qgaExec(vm, v.exec)(['sleep', '9'])).toEqual({ code: 143, stdout: '', stderr: '' });
});

test('the polls start quick and back off to 200 ms', async () => {
  const v = fakeVirsh([...Array(9).fill(ok({ exited: false })), ok({ exited: true, exitcode: 0 })]);
  const t0 = Date.now();
  await qgaExec(vm, v.exec)(['true']);
  // 10+20+40+80+160+200+200+200+200 ms of sleeps.
  expect(Date.now() - t0).toBeGreaterThanOrEqual(1100);
  expect(Date.now() - t0).toBeLessThan(2500);
});

test('a timeout is ExecTimeout once the command is killed with kill -9 through the agent and its record read', async () => {
  const v = fakeVirsh([ok({ exited: false })], { pid: 77, onExec: (a) => (a['path'] === 'kill' ? ok({ pid: 78 }) : undefined) });
  const t0 = Date.now();
  const e = await qgaExec(vm, v.exec)(['sleep', '60'], { timeoutMs: 300 }).catch((x: unknown) => x);
  expect(e).toMatchObject({ code: 'ExecTimeout', message: 'sleep 60 in vm1 did not finish within 300 ms and was killed', details: { killed: true } });
  expect(Date.now() - t0).toBeLessThan(2000);
  // The kill, its own status, then 77's status once more: that read frees its record in the agent.
  expect(v.requests().slice(-3)).toEqual([
    '{"execute":"guest-exec","arguments":{"path":"kill","arg":["-9","77"],"capture-output":true}}',
    '{"execute":"guest-exec-status","arguments":{"pid":78}}',
    '{"execute":"guest-exec-status","arguments":{"pid":77}}',
  ]);
});

test('a timeout whose kill cannot go through says the command may still run', async () => {
  const v = fakeVirsh([ok({ exited: false })], { onExec: (a) => (a['path'] === 'kill' ? { code: 1, stdout: '', stderr: 'error: Guest agent is not responding: QEMU guest agent is not connected\n' } : undefined) });
  await expect(qgaExec(vm, v.exec)(['sleep', '60'], { timeoutMs: 100 })).rejects.toMatchObject({ code: 'ExecTimeout', message: expect.stringContaining('may still run in the guest'), details: { killed: false } });
});

test('an abort is ExecAborted; an aborted signal runs nothing', async () => {
  const v = fakeVirsh([ok({ exited: false })], { onExec: (a) => (a['path'] === 'kill' ? ok({ pid: 2 }) : undefined) });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  await expect(qgaExec(vm, v.exec)(['sleep', '60'], { signal: ac.signal })).rejects.toMatchObject({ code: 'ExecAborted', message: expect.stringContaining('sleep 60 in vm1 was cancelled') });
  const before = v.calls.length;
  await expect(qgaExec(vm, v.exec)(['true'], { signal: ac.signal })).rejects.toMatchObject({ code: 'ExecAborted' });
  expect(v.calls.length).toBe(before);
});

test.each<[string, ExecResult | Error, number]>([
  ['over the cap', ok({ exited: true, exitcode: 0, 'out-data': b64('x'.repeat(60)), 'err-data': b64('y'.repeat(60)) }), 100],
  ['cut by the agent', ok({ exited: true, exitcode: 0, 'out-data': b64('x'), 'out-truncated': true }), 100],
  ['too large for virsh to hand over', new CapsuleError('OutputTooLarge', 'virsh wrote more than N bytes'), 100],
])('output %s is OutputTooLarge', async (_, status, cap) => {
  const v = fakeVirsh([]);
  const exec: Exec = (argv, o) => (JSON.parse(argv.at(-1)!).execute === 'guest-exec-status' ? (status instanceof Error ? Promise.reject(status) : Promise.resolve(status)) : v.exec(argv, o));
  await expect(qgaExec(vm, exec)(['yes'], { maxOutputBytes: cap })).rejects.toMatchObject({ code: 'OutputTooLarge', message: `yes in vm1 wrote more than ${cap} bytes` });
});

test('a request over what one virsh argument can carry is refused before anything runs', async () => {
  const v = fakeVirsh([ok({ exited: true, exitcode: 0 })]);
  await expect(qgaExec(vm, v.exec)(['cat'], { input: 'x'.repeat(96 * 1024) })).rejects.toMatchObject({ code: 'GuestActionFailed', hint: expect.stringContaining('ssh channel') });
  expect(v.calls).toEqual([]);
  // Just under it goes.
  expect(await qgaExec(vm, v.exec)(['cat'], { input: 'x'.repeat(95 * 1024) })).toMatchObject({ code: 0 });
});

test("virsh's failures are named errors: an agent that does not answer, a command the guest lacks, an answer that is no JSON", async () => {
  const notConnected = fakeVirsh([], { onExec: () => ({ code: 1, stdout: '', stderr: 'error: Guest agent is not responding: QEMU guest agent is not connected\n' }) });
  await expect(qgaExec(vm, notConnected.exec)(['true'])).rejects.toMatchObject({ code: 'GuestUnreachable', message: expect.stringContaining('the QEMU guest agent of vm1 does not answer') });
  const missing = fakeVirsh([], {
    onExec: () => ({ code: 1, stdout: '', stderr: "error: internal error: unable to execute QEMU agent command 'guest-exec': Guest agent command failed, error was 'Failed to execute child process “nope” (No such file or directory)'\n" }),
  });
  await expect(qgaExec(vm, missing.exec)(['nope'])).rejects.toMatchObject({ code: 'CommandNotFound', message: expect.stringContaining('nope not found in vm1') });
  const garbled = fakeVirsh([{ code: 0, stdout: 'hello\n', stderr: '' }]);
  await expect(qgaExec(vm, garbled.exec)(['true'])).rejects.toMatchObject({ code: 'GuestActionFailed', message: expect.stringContaining('unexpected answer: hello') });
  const noPid = fakeVirsh([], { onExec: () => ok({}) });
  await expect(qgaExec(vm, noPid.exec)(['true'])).rejects.toMatchObject({ code: 'GuestActionFailed', message: expect.stringContaining('guest-exec of `true` in vm1: unexpected answer') });
});
