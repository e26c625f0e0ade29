import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFresh, readStatusCache } from './cache.js';
import { ServiceStatus } from './status-schema.js';

const GOOD = {
  version: 1,
  svcname: 'web1',
  nodename: 'hv1',
  level: 'hypervisor',
  frozen: false,
  overall: 'up',
  avail: 'up',
  groups: { app: 'up' },
  resources: { 'app#1': { rid: 'app#1', group: 'app', status: 'up', label: 'x', flags: '....', log: [], standby: false, tags: [] } },
  encap: {},
  updated: '2024-01-01T00:00:00.000Z',
};

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-cache-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

test('the sample is a valid status for the schema too', () => {
  expect(ServiceStatus.safeParse(GOOD).success).toBe(true);
});

const without = (k: string) => Object.fromEntries(Object.entries(GOOD).filter(([x]) => x !== k));

test.each<[string, unknown, boolean]>([
  ['a good cache', GOOD, true],
  ['overall "bogus"', { ...GOOD, overall: 'bogus' }, false],
  ['no groups', without('groups'), false],
  ['a bad group status', { ...GOOD, groups: { app: 'sideways' } }, false],
  ['another version', { ...GOOD, version: 2 }, false],
  ['a resource without a log', { ...GOOD, resources: { 'app#1': { ...GOOD.resources['app#1'], log: undefined } } }, false],
  ['resources as a list', { ...GOOD, resources: [] }, false],
  ['a bad encap entry', { ...GOOD, encap: { 'container#0': { guest: 'vm1' } } }, false],
  ['an unparsable time', { ...GOOD, updated: 'yesterday' }, false],
  ['null', null, false],
  ['a number', 5, false],
])('%s is served from the cache: %s', async (_w, content, ok) => {
  await writeFile(join(dir, 'status.json'), JSON.stringify(content));
  expect((await readStatusCache(dir)) !== undefined).toBe(ok);
});

test('broken JSON is no cache', async () => {
  await writeFile(join(dir, 'status.json'), '{"version": 1,');
  expect(await readStatusCache(dir)).toBeUndefined();
});

const NOW = Date.parse('2024-01-01T00:01:00.000Z');
test.each<[string, string, number | undefined, boolean]>([
  ['recent, after the config change', '2024-01-01T00:00:30.000Z', NOW - 60_000, true],
  ['older than the TTL', '2023-12-31T23:59:00.000Z', NOW - 600_000, false],
  ['older than the config file', '2024-01-01T00:00:30.000Z', NOW - 1_000, false],
  ['no config file', '2024-01-01T00:00:30.000Z', undefined, false],
  ['in the future (clock stepped back)', '2024-01-01T01:00:00.000Z', NOW - 60_000, false],
])('a cache %s is fresh: %s', (_w, updated, mtime, fresh) => {
  expect(isFresh(updated, mtime, 60_000, NOW)).toBe(fresh);
});
