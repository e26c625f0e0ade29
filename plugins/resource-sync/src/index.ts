// sync#i0: the service config replication resource. Replication between
// nodes belongs to the cluster layer, which does not exist yet: until it
// does, this resource says so rather than claiming an `up` nothing backs.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';

export default defineDriver({
  provides: ['sync'],
  keywords,
  create: (init) => {
    const peers = [...new Set([...init.service.nodes, ...init.service.drpnodes])].filter((n) => n !== init.nodename);
    return {
      rid: init.rid,
      label: () => 'rsync svc config to drpnodes, nodes',
      start: async () => undefined,
      stop: async () => undefined,
      status: async () => ({
        status: 'n/a',
        log: peers.length ? [`# config replication to ${peers.join(', ')} is not available in this build: peers are not updated`] : [],
      }),
    };
  },
});
