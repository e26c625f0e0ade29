import { KeywordRegistry } from '@capsule/config';
import { hypervisorChanges, proposalFrom, viewFor } from './guest-config.js';
import { markerDriver } from '../../test/fixtures/drivers.js';

const registry = new KeywordRegistry();
for (const g of markerDriver.provides) registry.register(g, undefined, [...markerDriver.keywords]);
const svc = { svcname: 'web1', nodename: 'hv1', root: '/nonexistent', configFile: 'web1.conf' };

const BASE = `[DEFAULT]
nodes = hv1
encapnodes = vm1

[env]
db = main

[container#0]
name = vm1
marker = /x/vm1

[app#1]
marker = /x/app
tags = encap
`;

test.each<[string, string, string[]]>([
  ['a guest-level keyword of an encap resource', BASE.replace('marker = /x/app', 'marker = /x/app2'), []],
  ['a new encap resource', BASE + '[app#2]\nmarker = /y\ntags = encap\n', []],
  ['a hook on an encap resource', BASE + 'pre_stop = touch /tmp/x\n', ['app#1.pre_stop']],
  ['a new hypervisor-level section with a hook', BASE + '[app#hv]\nmarker = /z\npost_start = id\n', ['app#hv.post_start']],
  ['a DEFAULT keyword', BASE.replace('nodes = hv1', 'nodes = hv1 hv9'), ['DEFAULT.nodes']],
  ['an [env] entry', BASE.replace('db = main', 'db = other'), ['env.db']],
  ['a container keyword', BASE.replace('marker = /x/vm1', 'marker = /etc/shadow'), ['container#0.marker']],
  ['an encap resource moved to the hypervisor level', BASE.replace('tags = encap', 'tags = db'), ['app#1.marker']],
])('%s', async (_w, proposed, expected) => {
  const changes = (await hypervisorChanges(svc, BASE, proposed, 'vm1', registry)).map((c) => c.keyword);
  for (const k of expected) expect(changes).toContain(k);
  if (!expected.length) expect(changes).toEqual([]);
});

test('hooks are listed first', async () => {
  const changes = await hypervisorChanges(svc, BASE, BASE + '[app#hv]\nmarker = /z\npost_start = id\n', 'vm1', registry);
  expect(changes[0]).toEqual({ keyword: 'app#hv.post_start', proposed: '"id"' });
});

describe("the guest's view and its edits", () => {
  test('the view pushed into the guest has neither the container nor the [env] entries it does not use', async () => {
    const { text } = await viewFor(svc, BASE, 'vm1', registry);
    expect(text).toContain('[app#1]');
    expect(text).not.toContain('container#0');
    expect(text).not.toContain('db = main');
  });

  test('an edit of its own level merges in whole and in step', async () => {
    const { text } = await viewFor(svc, BASE, 'vm1', registry);
    const p = await proposalFrom(svc, BASE, text.replace('marker = /x/app', 'marker = /x/app2'), 'vm1', registry);
    expect(p).toMatchObject({ exact: true, changes: [] });
    expect(p.merged).toContain('[container#0]\nname = vm1\nmarker = /x/vm1');
    expect(p.merged).toContain('marker = /x/app2');
  });

  test('a guest cannot read a secret by naming it: the entry it would newly see is a change to review', async () => {
    const { text } = await viewFor(svc, BASE, 'vm1', registry);
    const p = await proposalFrom(svc, BASE, text.replace('marker = /x/app', 'marker = /x/{env.db}'), 'vm1', registry);
    expect(p.exact).toBe(false);
    expect(p.changes.map((c) => c.keyword)).toEqual(['env.db']);
  });
});
