// sync#i0 reports what the agent daemon recorded of config replication.
import { systemClock, type ActionContext } from '@capsule/core';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import driver from '../src/index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-sync-'));
  await mkdir(join(root, 'var/lib/capsule/s'), { recursive: true });
});
afterAll(() => rm(root, { recursive: true, force: true }));

const ctx = { clock: systemClock } as ActionContext;
const make = (nodename: string, nodes = ['n1', 'n2', 'n3']) =>
  driver.create({
    rid: 'sync#i0',
    svcname: 's',
    nodename,
    config: { target: ['nodes', 'drpnodes'] },
    env: {},
    root,
    service: { nodes, drpnodes: [], encapnodes: [] },
    settings: { values: {}, secret: () => Promise.reject(new Error('none')) },
  });

test.each([
  ['no daemon record', undefined, 'n1', { status: 'n/a', log: ['# config replication runs with the agent daemon (nodemgr daemon start)'] }],
  ['a record older than a minute', { master: 'n1', stale: [], updated: Date.now() - 120_000 }, 'n1', { status: 'n/a', log: ['# config replication runs with the agent daemon (nodemgr daemon start)'] }],
  ['the master, every peer up to date', { master: 'n1', stale: [], updated: Date.now() }, 'n1', { status: 'up', log: [] }],
  ['the master, two peers stale', { master: 'n1', stale: ['n2', 'n3'], updated: Date.now() }, 'n1', { status: 'down', log: ['warn: n2 need update', 'warn: n3 need update'] }],
  ['another node', { master: 'n1', stale: ['n2'], updated: Date.now() }, 'n2', { status: 'n/a', log: ['# replication master: n1'] }],
])('%s', async (_, record, node, expected) => {
  const f = join(root, 'var/lib/capsule/s/replication.json');
  await rm(f, { force: true });
  if (record) await writeFile(f, JSON.stringify(record));
  expect(await make(node).status(ctx)).toEqual(expected);
});

test('a service on one node has nobody to replicate to: n/a, and nothing to say about the daemon', async () => {
  await rm(join(root, 'var/lib/capsule/s/replication.json'), { force: true });
  expect(await make('n1', ['n1']).status(ctx)).toEqual({ status: 'n/a', log: [] });
});
