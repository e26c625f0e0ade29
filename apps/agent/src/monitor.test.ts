import { monitorVerdict, type Monitored } from './monitor.js';

const app: Monitored = { rid: 'app#1', monitor: true, restart: 2 };
const ip: Monitored = { rid: 'ip#1', monitor: false, restart: 0 };
const fs: Monitored = { rid: 'fs#1', monitor: true, restart: 0 };
const st = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { status: v }]));

test.each<[string, Monitored[], Record<string, string>, boolean, Array<[string, number]>, ReturnType<typeof monitorVerdict>]>([
  ['all up', [app, ip], { 'app#1': 'up', 'ip#1': 'up' }, true, [], { action: 'none' }],
  ['a monitored resource down, restarts left', [app, ip], { 'app#1': 'down', 'ip#1': 'up' }, true, [['app#1', 1]], { action: 'restart', rids: ['app#1'] }],
  ['restarts spent', [app, ip], { 'app#1': 'down', 'ip#1': 'up' }, true, [['app#1', 2]], { action: 'give up', rid: 'app#1', restarts: 2 }],
  ['restart = 0 gives up at once', [fs, ip], { 'fs#1': 'down', 'ip#1': 'up' }, true, [], { action: 'give up', rid: 'fs#1', restarts: 0 }],
  ['an unmonitored resource down', [app, ip], { 'app#1': 'up', 'ip#1': 'down' }, true, [], { action: 'none' }],
  ['the service is not held here (stopped, frozen, or an action runs)', [app, ip], { 'app#1': 'down', 'ip#1': 'up' }, false, [], { action: 'none' }],
  ['warn or n/a is not down', [app], { 'app#1': 'warn' }, true, [], { action: 'none' }],
])('%s', (_what, resources, status, held, tries, expected) => {
  expect(monitorVerdict(resources, st(status), held, new Map(tries))).toEqual(expected);
});

test.each<[string, number, number | undefined, ReturnType<typeof monitorVerdict>]>([
  ['never restarted: at once', 10_000, undefined, { action: 'restart', rids: ['app#1'] }],
  ['restarted 4 s ago, restart_delay 5s: waits', 10_000, 6_000, { action: 'none' }],
  ['restarted 5 s ago: due', 11_000, 6_000, { action: 'restart', rids: ['app#1'] }],
])('restart_delay: %s', (_what, now, last, expected) => {
  const delayed: Monitored = { ...app, restartDelay: 5 };
  expect(monitorVerdict([delayed], st({ 'app#1': 'down' }), true, new Map([['app#1', 1]]), new Map(last === undefined ? [] : [['app#1', last]]), now)).toEqual(expected);
});
