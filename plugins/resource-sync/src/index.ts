// sync#i0: the service config replication resource. Replication itself is
// done by the cluster layer; this resource reports whether there is anyone
// to replicate to.
import { defineDriver, type ResourceInit } from '@capsule/core';
import { keywords } from './keywords.js';

function peers(init: ResourceInit): string[] {
  const s = init.service;
  const all = [...(s?.nodes ?? []), ...(s?.drpnodes ?? [])];
  return [...new Set(all)].filter((n) => n !== init.nodename);
}

export default defineDriver({
  provides: ['sync'],
  keywords,
  create: (init) => ({
    rid: init.rid,
    label: () => 'rsync svc config to drpnodes, nodes',
    start: async () => undefined,
    stop: async () => undefined,
    // With no peer there is nothing to keep in sync: n/a, as OpenSVC reports on one node.
    status: async () => (peers(init).length ? { status: 'up', log: [] } : { status: 'n/a', log: [] }),
  }),
});
