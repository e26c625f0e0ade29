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
