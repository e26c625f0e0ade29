import { kw } from '@capsule/core';
import { evaluateConfig, renderEvaluated } from './evaluate.js';
import { parseConfig } from './reader.js';
import { KeywordRegistry } from './registry.js';

const registry = new KeywordRegistry();
registry.register('container', 'lxc', [kw.string('name', { doc: 'n', required: true }), kw.duration('start_timeout', { doc: 't', default: 30 })]);
registry.register('fs', undefined, [kw.string('mnt', { doc: 'm' }), kw.string('dev', { doc: 'd' })]);

const SEED = `[DEFAULT]
nodes = hv1 hv2
encapnodes = vm1
nodes@encapnodes = vm1

[container#0]
type = lxc
name = vm1
start_timeout = 1m

[fs#1]
mnt = /srv/{svcname}
tags = encap
disable@hv2 = true

[env]
greeting = hello {nodename}
`;

test.each([
  ['hv1', ['hv1', 'hv2'], false, 'hello hv1'],
  ['hv2', ['hv1', 'hv2'], true, 'hello hv2'],
  ['vm1', ['vm1'], false, 'hello vm1'],
])('on %s: typed values, defaults, scoping', async (nodename, nodes, disabled, greeting) => {
  const cfg = await evaluateConfig(parseConfig(SEED, 'web1.conf'), registry, { nodename, svcname: 'web1' });
  expect(cfg.sets.nodes).toEqual(nodes);
  expect(cfg.sets.encapnodes).toEqual(['vm1']);
  const byName = Object.fromEntries(cfg.sections.map((s) => [s.name, s.values]));
  expect(byName['container#0']).toMatchObject({ type: 'lxc', name: 'vm1', start_timeout: 60, disable: false, optional: false });
  expect(byName['fs#1']).toMatchObject({ mnt: '/srv/web1', tags: ['encap'], disable: disabled });
  expect(cfg.env).toEqual({ greeting });
});

test('print config --eval shows the node view', async () => {
  const text = renderEvaluated(await evaluateConfig(parseConfig(SEED, 'web1.conf'), registry, { nodename: 'vm1', svcname: 'web1' }));
  expect(text).toContain('[DEFAULT]\nnodes = vm1\n');
  expect(text).toContain('mnt = /srv/web1');
  expect(text).toContain('start_timeout = 60');
});

test('a bad typed value is a ConfigInvalid error with file and line, on that keyword only', async () => {
  const cfg = await evaluateConfig(parseConfig('[container#0]\ntype = lxc\nname = a\nstart_timeout = soon\n', 'x.conf'), registry, { nodename: 'n', svcname: 'x' });
  const s = cfg.sections[0]!;
  expect(s.values).toMatchObject({ type: 'lxc', name: 'a' });
  expect(s.errors['start_timeout']).toMatchObject({ code: 'ConfigInvalid', message: expect.stringMatching(/^x\.conf:4: container#0\.start_timeout: expected a duration/) });
});

test.each<[string, string, string, string, unknown]>([
  ['a [DEFAULT] keyword a resource takes is its default', '[DEFAULT]\nmnt = /srv/{rindex}\n[fs#data]\ndev = d\n', 'fs#data', 'mnt', '/srv/data'],
  ['the resource line wins over [DEFAULT]', '[DEFAULT]\nmnt = /a\n[fs#1]\nmnt = /b\n', 'fs#1', 'mnt', '/b'],
  ['[DEFAULT] keywords of its own are not resource defaults', '[DEFAULT]\ncomment = svc\n[fs#1]\nmnt = /b\n', 'fs#1', 'comment', undefined],
  ['a deprecated name is read as today\'s', '[DEFAULT]\ncluster_type = flex\nflex_min_nodes = 2\n', 'DEFAULT', 'topology', 'flex'],
  ['flex_min_nodes is flex_min', '[DEFAULT]\nflex_min_nodes = 2\n', 'DEFAULT', 'flex_min', 2],
  ['today\'s name wins over the deprecated one', '[DEFAULT]\ncluster_type = flex\ntopology = failover\n', 'DEFAULT', 'topology', 'failover'],
  ['always_on is standby', '[fs#1]\nmnt = /b\nalways_on = true\n', 'fs#1', 'standby', true],
  ['always_on = nodes (OpenSVC\'s node sets): standby on a node of nodes', '[DEFAULT]\nnodes = n m\ndrpnodes = d\n[fs#1]\nalways_on = nodes\n', 'fs#1', 'standby', true],
  ['always_on = drpnodes: not on a node of nodes', '[DEFAULT]\nnodes = n m\ndrpnodes = d\n[fs#1]\nalways_on = drpnodes\n', 'fs#1', 'standby', false],
  ['always_on = nodes drpnodes', '[DEFAULT]\nnodes = n m\ndrpnodes = d\n[fs#1]\nalways_on = drpnodes nodes\n', 'fs#1', 'standby', true],
  ['always_on naming another node', '[DEFAULT]\nnodes = n m\n[fs#1]\nalways_on = m\n', 'fs#1', 'standby', false],
  ['always_on naming this node', '[DEFAULT]\nnodes = n m\n[fs#1]\nalways_on = n\n', 'fs#1', 'standby', true],
  ['[DEFAULT] always_on = nodes: every resource is standby on a node of nodes, as in OpenSVC', '[DEFAULT]\nnodes = n m\nalways_on = nodes\n[fs#1]\nmnt = /b\n', 'fs#1', 'standby', true],
  ['[DEFAULT] always_on = drpnodes: not on a node of nodes', '[DEFAULT]\nnodes = n m\ndrpnodes = d\nalways_on = drpnodes\n[fs#1]\nmnt = /b\n', 'fs#1', 'standby', false],
  ['a resource\'s own standby wins over [DEFAULT] always_on', '[DEFAULT]\nnodes = n m\nalways_on = nodes\n[fs#1]\nstandby = false\n', 'fs#1', 'standby', false],
  ['a dropped keyword is not kept', '[DEFAULT]\nmode = hosted\n', 'DEFAULT', 'mode', undefined],
  ['sync_max_delay: a bare number is minutes, as OpenSVC reads it', '[DEFAULT]\nsync_max_delay = 90\n', 'DEFAULT', 'sync_max_delay', 5400],
  ['sync_max_delay with a unit', '[DEFAULT]\nsync_max_delay = 1h30s\n', 'DEFAULT', 'sync_max_delay', 3630],
  ['env: an OpenSVC class', '[DEFAULT]\nenv = UAT\n', 'DEFAULT', 'env', 'UAT'],
])('%s', async (_what, text, section, keyword, expected) => {
  const cfg = await evaluateConfig(parseConfig(text, 'x.conf'), registry, { nodename: 'n', svcname: 'x' });
  expect(cfg.sections.find((s) => s.name === section)?.values[keyword]).toEqual(expected);
});

test('a broken keyword is recorded on that keyword only', async () => {
  const cfg = await evaluateConfig(parseConfig('[fs#1]\nmnt = /srv\ndev = {nothere}\n[env]\nb = ok\n', 'x.conf'), registry, { nodename: 'n', svcname: 'x' });
  expect(cfg.sections[0]!.values['mnt']).toBe('/srv');
  expect(cfg.sections[0]!.errors['dev']?.message).toMatch(/^x\.conf:3: fs#1\.dev: \{nothere\} refers to a keyword that is not set/);
  expect(cfg.env).toEqual({ b: 'ok' });
});

test('[env] keys keep their case; references to them are case-insensitive; other keys are not case-sensitive', async () => {
  const doc = parseConfig('[DEFAULT]\nNODES = n\n[fs#1]\nMNT = {env.my_dir}/x\n[env]\nMY_DIR = /srv\nlower = {env.MY_DIR}\nMy_Mixed@n = 1\n', 'x.conf');
  const cfg = await evaluateConfig(doc, registry, { nodename: 'n', svcname: 'x' });
  expect(cfg.env).toEqual({ MY_DIR: '/srv', lower: '/srv', My_Mixed: '1' });
  expect(cfg.sets.nodes).toEqual(['n']);
  expect(cfg.sections.find((s) => s.name === 'fs#1')?.values).toMatchObject({ mnt: '/srv/x' });
});

test.each([
  ['tags = encap', 'tags = encap\n', true],
  ['encap among other tags', 'tags = db, encap\n', true],
  ['encap = true', 'encap = true\n', true],
  ['tags = encap with encap = false', 'tags = encap\nencap = false\n', true],
  ['neither', 'tags = db\n', false],
])('%s: encap = %s, evaluated and printed by print config --eval', async (_, lines, encap) => {
  const cfg = await evaluateConfig(parseConfig(`[DEFAULT]\nnodes = hv1\n\n[fs#1]\nmnt = /srv\n${lines}`, 'web1.conf'), registry, { nodename: 'hv1', svcname: 'web1' });
  expect(cfg.sections.find((s) => s.name === 'fs#1')?.values['encap']).toBe(encap);
  expect(renderEvaluated(cfg)).toContain(`\nencap = ${encap}\n`);
});
