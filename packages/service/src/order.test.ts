import type { ServiceResource } from './model.js';
import { checkSelection, plan, select } from './order.js';
import { resource } from '../test/fixtures/service.js';

const r = resource;
const ids = (steps: ServiceResource[][]) => steps.map((s) => s.map((x) => x.rid).join('|'));

const SVC = [r('app#1'), r('fs#2'), r('ip#10'), r('container#0'), r('ip#2'), r('fs#1'), r('disk#0'), r('share#0'), r('sync#i0')];

test('start: ip, disk, fs, share, container, app; natural rid order', () => {
  expect(ids(plan(SVC, 'start'))).toEqual(['ip#2', 'ip#10', 'disk#0', 'fs#1', 'fs#2', 'share#0', 'container#0', 'app#1']);
});

test('stop: the exact reverse', () => {
  expect(ids(plan(SVC, 'stop'))).toEqual(['app#1', 'container#0', 'share#0', 'fs#2', 'fs#1', 'disk#0', 'ip#10', 'ip#2']);
});

test('apps follow their start and stop sequence numbers, then rid', () => {
  const apps = [r('app#a', { startSeq: 20, stopSeq: 1 }), r('app#b', { startSeq: 10, stopSeq: 2 }), r('app#c')];
  expect(ids(plan(apps, 'start'))).toEqual(['app#b', 'app#a', 'app#c']);
  expect(ids(plan(apps, 'stop'))).toEqual(['app#a', 'app#b', 'app#c']);
});

test('a parallel subset is one step; a sequential subset stays in order', () => {
  const list = [r('app#1'), r('app#2', { subset: 'web' }), r('app#3', { subset: 'web' }), r('app#4', { subset: 'db' }), r('app#5', { subset: 'db' })];
  const subsets = { 'app:web': { parallel: true }, 'app:db': { parallel: false } };
  expect(ids(plan(list, 'start', subsets))).toEqual(['app#1', 'app#4', 'app#5', 'app#2|app#3']);
  expect(ids(plan(list, 'stop', subsets))).toEqual(['app#3|app#2', 'app#5', 'app#4', 'app#1']);
});

test('a reservation holds its disks before they start and until they are stopped, within its subset', () => {
  const pr = (rid: string, extra: Partial<ServiceResource> = {}) => r(rid, { type: 'scsireserv', ...extra });
  const list = [r('disk#1', { type: 'vg' }), pr('disk#1pr', { reserves: 'disk#1' }), r('disk#0', { type: 'md' }), pr('disk#0pr', { reserves: 'disk#0' }), r('disk#2', { type: 'md', subset: 's' }), pr('disk#2pr', { subset: 's', reserves: 'disk#2' }), r('fs#1')];
  expect(ids(plan(list, 'start'))).toEqual(['disk#0pr', 'disk#1pr', 'disk#0', 'disk#1', 'disk#2pr', 'disk#2', 'fs#1']);
  expect(ids(plan(list, 'stop'))).toEqual(['fs#1', 'disk#2', 'disk#2pr', 'disk#1', 'disk#0', 'disk#1pr', 'disk#0pr']);
  // A parallel subset: the reservations are a step of their own, before (after at stop) the disks.
  const par = { 'disk:s': { parallel: true } };
  const sub = [r('disk#3', { subset: 's' }), pr('disk#3pr', { subset: 's' }), r('disk#4', { subset: 's' }), pr('disk#4pr', { subset: 's' })];
  expect(ids(plan(sub, 'start', par))).toEqual(['disk#3pr|disk#4pr', 'disk#3|disk#4']);
  expect(ids(plan(sub, 'stop', par))).toEqual(['disk#4|disk#3', 'disk#4pr|disk#3pr']);
});

test.each<[string, Parameters<typeof select>[1], string[]]>([
  ['everything', {}, ['ip#1', 'fs#1', 'app#1', 'app#2']],
  ['by rid', { rids: ['fs#1', 'app#2'] }, ['fs#1', 'app#2']],
  ['tags are or-ed with ,', { tags: ['db', 'front'] }, ['ip#1', 'app#1', 'app#2']],
  ['tags are and-ed with +', { tags: ['db+front'] }, ['app#2']],
  ['by subset', { subsets: ['g1'] }, ['app#1']],
  ['by group (sub-action)', { groups: ['app'] }, ['app#1', 'app#2']],
  ['combined', { groups: ['app'], tags: ['front'] }, ['app#2']],
])('select %s', (_w, sel, expected) => {
  const list = [r('ip#1', { tags: ['front'] }), r('fs#1'), r('app#1', { tags: ['db'], subset: 'g1' }), r('app#2', { tags: ['db', 'front'] })];
  expect(select(list, sel).map((x) => x.rid)).toEqual(expected);
});

test.each<[string, Parameters<typeof select>[1], string | undefined, RegExp | undefined]>([
  ['everything', {}, undefined, undefined],
  ['an existing rid', { rids: ['fs#1'] }, undefined, undefined],
  ['a sub-action on a group the service lacks', { groups: ['disk'] }, undefined, undefined],
  ['a typo in a rid', { rids: ['fs#9'] }, 'UnknownResource', /web1: no resource fs#9[^]*did you mean fs#1\? resources are ip#1, fs#1, app#1, app#2/],
  ['one unknown rid among good ones', { rids: ['fs#1', 'app#3'] }, 'UnknownResource', /no resource app#3/],
  ['an unknown tag', { tags: ['nosuchtag'] }, 'UnknownTag', /no tag nosuchtag[^]*tags are db, front/],
  ['an unknown tag in an and', { tags: ['db+nope'] }, 'UnknownTag', /no tag nope/],
  ['an unknown subset', { subsets: ['g2'] }, 'UnknownSubset', /no subset g2[^]*did you mean g1/],
  ['tags that select nothing together', { tags: ['front+db'], groups: ['ip'] }, 'NothingSelected', /--tags front\+db selects no ip resource/],
  ['a rid outside the sub-action group', { rids: ['app#1'], groups: ['fs'] }, 'NothingSelected', /--rid app#1 selects no fs resource/],
])('checkSelection: %s', (_w, sel, code, message) => {
  const list = [r('ip#1', { tags: ['front'] }), r('fs#1'), r('app#1', { tags: ['db'], subset: 'g1' }), r('app#2', { tags: ['db', 'front'] })];
  if (!code) return expect(() => checkSelection('web1', list, sel)).not.toThrow();
  let err: unknown;
  try {
    checkSelection('web1', list, sel);
  } catch (e) {
    err = e;
  }
  expect(err).toMatchObject({ code });
  expect(`${(err as Error).message}\n${(err as { hint: string }).hint}`).toMatch(message!);
});
