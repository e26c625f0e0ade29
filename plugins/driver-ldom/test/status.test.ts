// `ldm list -p` parsing and the status mapping, table-driven.
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
  [{ state: 'inactive', flags: [] }, 'down', 'info: ldm: state=inactive flags='],
  [{ state: 'bound', flags: ['transition'] }, 'warn', 'warn: domain ldg1 is changing state (ldm: state=bound flags=transition)'],
  [{ state: 'inactive', flags: ['degraded'] }, 'warn', 'warn: domain ldg1 is degraded: it lacks resources (ldm: state=inactive flags=degraded)'],
  [undefined, 'down', 'warn: no domain ldg1 on cdom1'],
])('statusOf(%j)', (d, status, line) => {
  expect(statusOf('ldg1', d, 'cdom1')).toEqual({ status, log: [line] });
});
