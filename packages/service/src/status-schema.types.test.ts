// Freezes `json status` v1: hypervisors read it from guests that may run
// another capsule version. A change here needs a new schema version.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ReceivedStatus, ServiceStatus } from './status-schema.js';

const published = JSON.parse(readFileSync(new URL('../json-status.v1.schema.json', import.meta.url), 'utf8')) as unknown;

test('the schema matches the published JSON Schema document', () => {
  expect(z.toJSONSchema(ServiceStatus)).toEqual(published);
});

test('unknown fields are refused, so a drift is caught where it happens', () => {
  const minimal = { version: 1, svcname: 's', nodename: 'n', level: 'encap', frozen: false, overall: 'up', avail: 'up', groups: {}, resources: {}, encap: {}, updated: 'x' };
  expect(ServiceStatus.safeParse(minimal).success).toBe(true);
  expect(ServiceStatus.safeParse({ ...minimal, extra: 1 }).success).toBe(false);
  expect(ServiceStatus.safeParse({ ...minimal, version: 2 }).success).toBe(false);
  expect(ServiceStatus.safeParse({ ...minimal, overall: 'green' }).success).toBe(false);
});

test('migrating is an optional addition: v1 readers that ignore it still read the rest', () => {
  const minimal = { version: 1, svcname: 's', nodename: 'n', level: 'encap', frozen: false, overall: 'up', avail: 'up', groups: {}, resources: {}, encap: {}, updated: 'x' };
  expect(ServiceStatus.safeParse({ ...minimal, migrating: { to: 'hv2', since: 'now' } }).success).toBe(true);
});

test('target is an optional addition, as migrating', () => {
  const minimal = { version: 1, svcname: 's', nodename: 'n', level: 'encap', frozen: false, overall: 'up', avail: 'up', groups: {}, resources: {}, encap: {}, updated: 'x' };
  expect(ServiceStatus.safeParse({ ...minimal, target: { target: 'stopped', generation: 3, at: '2026-01-01T00:00:00.000Z', by: 'hv1' } }).success).toBe(true);
  expect(ServiceStatus.safeParse({ ...minimal, target: { target: 'paused', generation: 3, at: 'x', by: 'hv1' } }).success).toBe(false);
});

test.each([
  ['a newer agent with extra fields is read', { extra: 1, resources: { 'app#1': { rid: 'app#1', status: 'up', label: 'a', log: [], novel: true } } }, true],
  ['another major version is not', { version: 2 }, false],
  ['an empty answer is not', null, false],
])('received status: %s', (_w, patch, ok) => {
  const base = { version: 1, svcname: 's', nodename: 'n', level: 'encap', frozen: false, overall: 'up', avail: 'up', groups: {}, resources: {}, encap: {}, updated: 'x' };
  expect(ReceivedStatus.safeParse(patch === null ? {} : { ...base, ...patch }).success).toBe(ok);
});

test('elsewhere is an optional addition, on the service and on each container', () => {
  const minimal = { version: 1, svcname: 's', nodename: 'n', level: 'hypervisor', frozen: false, overall: 'up', avail: 'up', groups: {}, resources: {}, updated: 'x' };
  expect(ServiceStatus.safeParse({ ...minimal, encap: {}, elsewhere: 'vm1' }).success).toBe(true);
  expect(ServiceStatus.safeParse({ ...minimal, encap: { 'container#0': { guest: 'vm2', overall: 'down', avail: 'down', resources: {}, elsewhere: 'vm1' } } }).success).toBe(true);
});
