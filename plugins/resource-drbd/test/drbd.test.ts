// disk.drbd on two simulated DRBD 9 nodes (drbdadm simulator, shared state).
import { ErrorCode } from '@capsule/core';
import { testContext, testInit } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { DrbdCluster } from '../../../tooling/simulators/drbdadm/lib/fixture.mjs';
import driver from '../src/index.js';

let sim: DrbdCluster;
beforeEach(() => {
  sim = new DrbdCluster();
  sim.resource('r0', ['hv1', 'hv2']);
});
afterEach(() => sim.dispose());

const on = (host: string) => testContext((argv, o) => localExec(argv, { ...o, env: { ...sim.env(host), ...o?.env } }));
const drbd = (res = 'r0') => driver.create(testInit('disk#1', { res, max_peers: 0, promote_rw: false, no_preempt_abort: false, scsireserv: false }));

test('start brings the resource up and promotes it, status follows, stop demotes and downs it; every action idempotent', async () => {
  const r = drbd();
  expect(r.label()).toBe('drbd r0');
  expect(await r.status(on('hv1'))).toEqual({ status: 'down', log: ['info: r0 is down (not up in the kernel)'] });
  await r.start(on('hv1'));
  expect(sim.kernel('hv1', 'r0')).toEqual({ role: 'Primary', disk: 'UpToDate' });
  // The peer is not up yet: Primary, but degraded.
  expect(await r.status(on('hv1'))).toEqual({ status: 'warn', log: ['warn: r0 peer hv2 is Connecting'] });
  await on('hv2').exec(['drbdadm', 'up', 'r0']);
  expect(await r.status(on('hv1'))).toEqual({ status: 'up', log: [] });
  expect(await r.status(on('hv2'))).toEqual({ status: 'down', log: ['info: r0 is Secondary here, Primary on hv1'] });
  const before = sim.calls().length;
  await r.start(on('hv1'));
  expect(sim.calls().slice(before)).toEqual(['hv1: drbdadm status r0']);
  await r.stop(on('hv1'));
  expect(sim.kernel('hv1', 'r0')).toBeUndefined();
  expect(sim.calls().slice(-2)).toEqual(['hv1: drbdadm secondary r0', 'hv1: drbdadm down r0']);
  await r.stop(on('hv1'));
  expect(await r.status(on('hv1'))).toMatchObject({ status: 'down' });
});

test('a peer that is Primary: the start is refused with DRBD\'s own reason, nothing is promoted', async () => {
  const r = drbd();
  await r.start(on('hv2'));
  const err = r.start(on('hv1'));
  await expect(err).rejects.toMatchObject({
    code: ErrorCode.DrbdPeerPrimary,
    message: 'disk#1: r0 is Primary on hv2; DRBD refuses a second Primary (drbdadm primary: exit 11, Multiple primaries not allowed by config)',
    hint: expect.stringContaining('stop the service on hv2'),
    details: { rid: 'disk#1', peer: 'hv2' },
  });
  expect(sim.kernel('hv1', 'r0')).toEqual({ role: 'Secondary', disk: 'UpToDate' });
  // Switching: stop on hv2, then start on hv1 succeeds.
  await r.stop(on('hv2'));
  await r.start(on('hv1'));
  expect(sim.kernel('hv1', 'r0')?.role).toBe('Primary');
});

test('a state change a peer refuses for a while is retried; a device held open stops the stop', async () => {
  const r = drbd();
  sim.fault('hv1', 'r0', 'refused', '2');
  await r.start(on('hv1'));
  expect(sim.calls().filter((c) => c === 'hv1: drbdadm primary r0')).toHaveLength(3);
  sim.fault('hv1', 'r0', 'open');
  await expect(r.stop(on('hv1'))).rejects.toMatchObject({ code: ErrorCode.DrbdCommandFailed, message: 'disk#1: drbdadm secondary r0 failed with exit 11: r0: State change failed: (-12) Device is held open by someone' });
  expect(sim.kernel('hv1', 'r0')?.role).toBe('Primary');
});

test('degraded and failed states: Inconsistent disk without UpToDate data anywhere, undefined resource, bad name, no drbdadm', async () => {
  sim.fault('hv1', 'r0', 'disk', 'Inconsistent');
  await expect(drbd().start(on('hv1'))).rejects.toMatchObject({ message: expect.stringContaining('exit 17: r0: State change failed: (-2) Need access to UpToDate data'), hint: expect.stringContaining('no UpToDate copy of r0 is reachable') });
  expect(await drbd().status(on('hv1'))).toEqual({ status: 'down', log: ['info: r0 is Secondary here'] });
  expect(await drbd('r9').status(on('hv1'))).toEqual({ status: 'down', log: ["warn: drbdadm status r9: 'r9' not defined in your config (for this host)."] });
  await expect(drbd('r9').start(on('hv1'))).rejects.toMatchObject({ hint: 'define r9 for this node in /etc/drbd.d/r9.res' });
  expect(() => drbd('r0; rm')).toThrow(expect.objectContaining({ code: ErrorCode.ConfigInvalid }));
  const noTool = testContext((argv, o) => localExec(argv, { ...o, env: { ...sim.env('hv1'), PATH: '/nonexistent' } }));
  await expect(drbd().start(noTool)).rejects.toMatchObject({ code: ErrorCode.CommandNotFound, hint: 'install drbd-utils, or fix PATH' });
});

test("devices: this node's backing disk from the config, up or not (what scsireserv = true reserves); an undefined resource is an error", async () => {
  expect(await drbd().devices!(on('hv1'))).toEqual(['/dev/vg0/r0']);
  await drbd().start(on('hv1'));
  expect(await drbd().devices!(on('hv1'))).toEqual(['/dev/vg0/r0']);
  await expect(drbd('r9').devices!(on('hv1'))).rejects.toMatchObject({ code: ErrorCode.DrbdCommandFailed, hint: 'define r9 for this node in /etc/drbd.d/r9.res' });
});
