// `ldm list -p` parsing and the status mapping, table-driven.
import { readFileSync } from 'node:fs';
import { parseDomain, statusOf } from '../src/status.js';

const listing = (state: string, flags = 'normal') => `VERSION 1.6\nDOMAIN|name=primary|state=active|flags=normal,control,vio-service|cons=UART|ncpu=8\nDOMAIN|name=ldg1|state=${state}|flags=${flags}|cons=5000|ncpu=4|mem=4294967296|util=|uptime=|norm_util=\n`;

test.each([
  [listing('active'), 'ldg1', { state: 'active', flags: ['normal'] }],
  [listing('bound', 'transition'), 'ldg1', { state: 'bound', flags: ['transition'] }],
  [listing('inactive', ''), 'ldg1', { state: 'inactive', flags: [] }],
  [listing('active'), 'primary', { state: 'active', flags: ['normal', 'control', 'vio-service'] }],
  [listing('active'), 'ldg2', undefined],
  ['VERSION 1.6\n', 'ldg1', undefined],
])('parseDomain(…, %s)', (out, name, expected) => {
  expect(parseDomain(out, name)).toEqual(expected);
});

test.each([
  [{ state: 'active', flags: ['normal'] }, 'up', 'info: ldm: state=active flags=normal'],
  [{ state: 'bound', flags: ['normal'] }, 'down', 'info: ldm: state=bound flags=normal'],
  [{ state: 'inactive', flags: [] }, 'down', 'info: ldm: state=inactive flags=none'],
  [{ state: 'bound', flags: ['transition'] }, 'warn', 'warn: domain ldg1 is changing state (ldm: state=bound flags=transition)'],
  [{ state: 'inactive', flags: ['degraded'] }, 'warn', 'warn: domain ldg1 is degraded: it lacks resources (ldm: state=inactive flags=degraded)'],
  [undefined, 'down', 'warn: no domain ldg1 on cdom1'],
])('statusOf(%j)', (d, status, line) => {
  expect(statusOf('ldg1', d, 'cdom1')).toEqual({ status, log: [line] });
});

describe('the corpus of what ldm prints (tooling/simulators/ldm/corpus)', () => {
  const corpus = (f: string) => readFileSync(new URL(`../../../tooling/simulators/ldm/corpus/${f}`, import.meta.url), 'utf8');
  const LETTERS = corpus('list-p-letters.txt');
  test.each<[string, string, string[]]>([
    ['primary', 'up', ['normal', 'control', 'vio-service']],
    ['normal', 'up', ['normal']],
    ['starting', 'warn', ['starting-or-stopping']],
    ['transition', 'warn', ['transition']],
    ['degraded', 'warn', ['degraded']],
    ['bound', 'down', []],
    ['old', 'warn', ['transition', 'control', 'vio-service']],
  ])('ldm list -p, %s: %s', (name, status, flags) => {
    const d = parseDomain(LETTERS, name);
    expect(d?.flags).toEqual(flags);
    expect(statusOf(name, d, 'this node').status).toBe(status);
  });
  test('ldm list -l -p spells the same flags out', () => expect(parseDomain(corpus('list-lp-words.txt'), 'primary')?.flags).toEqual(['normal', 'control', 'vio-service']));
});
