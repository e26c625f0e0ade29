// sync#i0: the service config replication resource. The agent daemon pushes
// the config from the replication master and records the outcome in
// var/lib/capsule/SVC/replication.json; this resource reports it: down on
// the master while a peer's copy is stale, n/a elsewhere or without a
// daemon (no record, or one older than a minute).
import { CapsuleError, defineDriver } from '@capsule/core';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_SYNC, keywords } from './keywords.js';

interface Record_ {
  master: string | null;
  stale: string[];
  updated: number;
}

export default defineDriver({
  provides: ['sync'],
  keywords,
  create: (init) => {
    const data = (['type', 'src', 'dst'] as const).filter((k) => (init.config as Record<string, unknown>)[k] !== undefined);
    if (data.length) {
      throw new CapsuleError('SyncTypeUnsupported', `${init.rid}: ${data.map((k) => `${k} = ${String((init.config as Record<string, unknown>)[k])}`).join(', ')}: ${DATA_SYNC}`, {
        hint: `remove ${init.rid} from the service file, or replicate the data from an app resource`,
      });
    }
    const file = join(init.root, 'var/lib/capsule', init.svcname, 'replication.json');
    return {
      rid: init.rid,
      // The label OpenSVC shows (and the seed draws) for this resource.
      label: () => 'rsync svc config to drpnodes, nodes',
      start: async () => undefined,
      stop: async () => undefined,
      status: async (ctx) => {
        let r: Partial<Record_> | undefined;
        try {
          r = JSON.parse(await readFile(file, 'utf8')) as Partial<Record_>;
        } catch {
          r = undefined;
        }
        // A service on one node has nobody to replicate to: nothing to say.
        const peers = [...init.service.nodes, ...init.service.drpnodes].filter((n) => n !== init.nodename);
        if (!peers.length) return { status: 'n/a', log: [] };
        if (!r || typeof r.updated !== 'number' || ctx.clock.now() - r.updated > 60_000) {
          return { status: 'n/a', log: ['# config replication runs with the agent daemon (nodemgr daemon start)'] };
        }
        if (r.master !== init.nodename) return { status: 'n/a', log: [`# replication master: ${r.master ?? 'none'}`] };
        const stale = Array.isArray(r.stale) ? r.stale.filter((n): n is string => typeof n === 'string') : [];
        return stale.length ? { status: 'down', log: stale.map((n) => `warn: ${n} need update`) } : { status: 'up', log: [] };
      },
    };
  },
});
