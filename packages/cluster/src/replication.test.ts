import type { ServicePolicy } from './policy.js';
import { formerNodes, replicationMaster, staleCopies } from './replication.js';
import type { InstanceView, NodeView } from './view.js';

const i = (avail: InstanceView['avail'], csum = 'a', generation = 1): InstanceView => ({ avail, overall: avail, frozen: false, startFailed: false, csum, mtime: 0, generation });
const view = (services: Record<string, InstanceView>): NodeView => ({ frozen: false, up: 0, peers: {}, services });
const web: ServicePolicy = { name: 'web', topology: 'failover', orchestrate: 'ha', placement: 'nodes order', nodes: ['hv1', 'hv2', 'hv3'], flexMin: 1, failback: false, stonith: false };

test.each([
  ['the node running a failover service', web, ['hv1', 'hv2', 'hv3'], { hv1: view({ web: i('down') }), hv2: view({ web: i('up') }), hv3: view({ web: i('down') }) }, 'hv2'],
  ['up nowhere: the first live node holding a copy', web, ['hv2', 'hv3'], { hv2: view({}), hv3: view({ web: i('down') }) }, 'hv3'],
  ['up nowhere: the latest generation, wherever it was edited', web, ['hv1', 'hv2'], { hv1: view({ web: i('down', 'a', 3) }), hv2: view({ web: i('down', 'b', 4) }) }, 'hv2'],
  ['up nowhere, same generation: nodes order', web, ['hv1', 'hv2'], { hv1: view({ web: i('down', 'a', 4) }), hv2: view({ web: i('down', 'a', 4) }) }, 'hv1'],
  ['flex: the first live node, wherever it runs', { ...web, topology: 'flex' as const }, ['hv2', 'hv3'], { hv2: view({ web: i('down') }), hv3: view({ web: i('up') }) }, 'hv2'],
  ['no copy on any live node', web, ['hv2'], { hv2: view({}) }, undefined],
])('master: %s', (_, policy, alive, views, master) => expect(replicationMaster(policy, alive, views)).toBe(master));

test('stale copies: different checksum or none; peers not heard are not counted', () => {
  const views = { hv1: view({ web: i('up', 'new') }), hv2: view({ web: i('down', 'old') }), hv3: view({}) };
  expect(staleCopies('web', 'hv1', ['hv1', 'hv2', 'hv3', 'hv4'], views)).toEqual(['hv2', 'hv3']);
});

test('former nodes: live nodes outside the service that still hold a copy', () => {
  const views = { hv1: view({ web: i('up') }), hv2: view({ web: i('down') }), hv4: view({ web: i('down', 'old') }), hv5: view({}) };
  expect(formerNodes(web, ['hv1', 'hv2', 'hv4', 'hv5'], views)).toEqual(['hv4']);
});

test.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])('a service named %s is a name: no master where no node has it', (name) => {
  const policy = { ...web, name };
  const views = { hv1: view({}), hv2: view({}) };
  expect(replicationMaster(policy, ['hv1', 'hv2'], views)).toBeUndefined();
  expect(staleCopies(name, 'hv1', ['hv1', 'hv2'], views)).toEqual([]);
  expect(formerNodes(policy, ['hv1', 'hv2'], views)).toEqual([]);
});
