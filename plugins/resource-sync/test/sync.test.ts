import type { ActionContext } from '@capsule/core';
import driver from '../src/index.js';

const ctx = {} as ActionContext;
const make = (nodename: string, nodes: string[], drpnodes: string[] = []) =>
  driver.create({ rid: 'sync#i0', svcname: 's', nodename, config: {}, env: {}, root: '/', service: { nodes, drpnodes, encapnodes: [] } });

test.each([
  ['one node', 'n1', ['n1'], [], 'n/a'],
  ['two nodes', 'n1', ['n1', 'n2'], [], 'up'],
  ['a drp node', 'n1', ['n1'], ['d1'], 'up'],
])('%s: %s', async (_w, node, nodes, drp, status) => {
  const r = make(node, nodes, drp);
  expect((await r.status(ctx)).status).toBe(status);
  expect(r.label()).toBe('rsync svc config to drpnodes, nodes');
});
