import { isCapsuleError, type ContainerResource } from '@capsule/core';
import type { Service, ServiceResource } from '../model.js';
import { resource, service } from '../../test/fixtures/service.js';
import { resolveTargets, type LevelFlags } from './chain.js';

function container(rid: string, guestName: string): ServiceResource {
  const r: ContainerResource = {
    rid,
    guestName,
    guestChannel: () => ({ kind: 'native', prefix: ['true'] }),
    label: () => guestName,
    start: async () => {},
    stop: async () => {},
    status: async () => ({ status: 'up', log: [] }),
  };
  return resource(rid, { resource: r });
}
const res = (rid: string, encap: boolean): ServiceResource => resource(rid, { tags: encap ? ['encap'] : [], encap });

const svc = (resources: ServiceResource[]): Service => service({ encapnodes: ['vm1', 'vm2'], resources });
const SVC = svc([container('container#0', 'vm1'), container('container#1', 'vm2'), res('fs#1', false), res('fs#2', true), res('app#1', true), res('ip#1', false)]);

test.each<[string, string, string[] | undefined, LevelFlags, boolean, string[]]>([
  ['start spans both levels', 'start', undefined, {}, true, ['vm1', 'vm2']],
  ['stop spans both levels', 'stop', undefined, {}, true, ['vm1', 'vm2']],
  ['startapp: apps only in the guests, no flag needed', 'startapp', ['app'], {}, false, ['vm1', 'vm2']],
  ['startip: ips only on the hypervisor, no flag needed', 'startip', ['ip'], {}, true, []],
  ['startfs --master', 'startfs', ['fs'], { master: true }, true, []],
  ['startfs --slaves', 'startfs', ['fs'], { slaves: true }, false, ['vm1', 'vm2']],
  ['startfs --slave vm2', 'startfs', ['fs'], { slave: ['vm2'] }, false, ['vm2']],
  ['startfs --slave by rid', 'startfs', ['fs'], { slave: ['container#0'] }, false, ['vm1']],
  ['startfs --master --slave vm1', 'startfs', ['fs'], { master: true, slave: ['vm1'] }, true, ['vm1']],
])('%s', (_w, action, groups, flags, master, guests) => {
  const t = resolveTargets(SVC, action, groups, flags, {});
  expect([t.master, t.guests.map((g) => g.name)]).toEqual([master, guests]);
});

test.each<[string, string, string[] | undefined, LevelFlags, string, RegExp]>([
  ['an ambiguous sub-action', 'startfs', ['fs'], {}, 'LevelRequired', /startfs touches resources on the hypervisor \(fs#1\) and in the containers \(fs#2\)/],
  ['an unknown slave', 'startapp', ['app'], { slave: ['vm9'] }, 'UnknownSlave', /web1 has no container vm9/],
])('%s is refused', (_w, action, groups, flags, code, message) => {
  try {
    resolveTargets(SVC, action, groups, flags, {});
    throw new Error('accepted');
  } catch (e) {
    if (!isCapsuleError(e)) throw e;
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  }
});

test('a --rid selection narrows the ambiguity to what it touches', () => {
  expect(resolveTargets(SVC, 'startfs', ['fs'], {}, { selection: { rids: ['fs#2'] } }).master).toBe(false);
});

test('a service without encap resources never asks for a level', () => {
  const plain = svc([container('container#0', 'vm1'), res('fs#1', false)]);
  expect(resolveTargets(plain, 'startfs', ['fs'], {}, {})).toEqual({ master: true, guests: [] });
});
