import type { ActionContext } from '@capsule/core';
import driver from '../src/index.js';

const ctx = {} as ActionContext;
const make = (nodename: string, nodes: string[], drpnodes: string[] = []) =>
  driver.create({
    rid: 'sync#i0',
    svcname: 's',
    nodename,
    config: { target: ['nodes', 'drpnodes'] },
    env: {},
    root: '/',
    service: { nodes, drpnodes, encapnodes: [] },
    settings: { values: {}, secret: () => Promise.reject(new Error('none')) },
  });

// Nothing replicates yet: the status says n/a, and with peers it says who is left out.
test.each([
  ['one node', 'n1', ['n1'], [], []],
  ['two nodes', 'n1', ['n1', 'n2'], [], ['# config replication to n2 is not available in this build: peers are not updated']],
  ['a drp node', 'n1', ['n1'], ['d1'], ['# config replication to d1 is not available in this build: peers are not updated']],
])('%s', async (_w, node, nodes, drp, log) => {
  const r = make(node, nodes, drp);
  expect(await r.status(ctx)).toEqual({ status: 'n/a', log });
  expect(r.label()).toBe('rsync svc config to drpnodes, nodes');
});
