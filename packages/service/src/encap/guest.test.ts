import { CapsuleError, systemClock, type Exec } from '@capsule/core';
import { nativeContainer } from '../../test/fixtures/guest.js';
import { resource, service } from '../../test/fixtures/service.js';
import { Guest, type GuestCall } from './guest.js';

// A guest reached through a native channel: the host exec decides what the "guest" answers.
function guestWith(host: Exec): { g: Guest; call: GuestCall } {
  const svc = service({ encapnodes: ['vm1'], resources: [resource('container#0', { resource: nativeContainer() })] });
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  return { g: new Guest(svc, svc.resources[0]!), call: { runtime: { exec: host, clock: systemClock }, log } };
}

test.each<[string, Exec]>([
  ['exit 127 from a shell (ssh, lxc-attach)', async () => ({ code: 127, stdout: '', stderr: 'sh: svcmgr: not found' })],
  ['CommandNotFound from a guest agent that runs nothing it cannot find (qga)', () => Promise.reject(new CapsuleError('CommandNotFound', 'in vm1: Failed to execute child process “svcmgr”', { hint: 'x' }))],
])('no agent in the guest is GuestAgentMissing: %s', async (_how, host) => {
  const { g, call } = guestWith(host);
  await expect(g.agent(call, ['json', 'status'], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'GuestAgentMissing', message: 'container#0: no capsule agent in vm1 (svcmgr not found)' });
});

test('another failure of the channel keeps its own name', async () => {
  const { g, call } = guestWith(() => Promise.reject(new CapsuleError('GuestDown', 'vm1 is not running', { hint: 'start it' })));
  await expect(g.agent(call, ['json', 'status'], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'GuestDown' });
});

test("a guest's error comes back with its words made printable: message, hint and details, escape sequences shown, never sent to the terminal", async () => {
  const error = { code: 'AppStartFailed', message: 'boom\u001b]0;owned\u0007\u001b[2J', hint: 'run \u001b[31mrm -rf /\u001b[0m', details: { rid: 'app#1\u001b[1A', nested: { log: ['\u009b6n'] } } };
  const { g, call } = guestWith(async () => ({ code: 1, stdout: '', stderr: `${JSON.stringify({ error })}\n` }));
  const e = await g.agentChecked(call, ['start'], { timeoutMs: 1000 }).catch((x: unknown) => x as CapsuleError);
  expect(e).toMatchObject({
    code: 'AppStartFailed',
    message: 'container#0: in vm1: boom\\x1b]0;owned\\x07\\x1b[2J',
    hint: 'run \\x1b[31mrm -rf /\\x1b[0m',
    details: { rid: 'app#1\\x1b[1A', nested: { log: ['\\x9b6n'] }, remoteCode: 'AppStartFailed' },
  });
  // eslint-disable-next-line no-control-regex
  expect(JSON.stringify(e)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|\\u001b|\\u0007/);
});
