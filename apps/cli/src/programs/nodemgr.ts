// nodemgr: acts on this node (drivers, node config).
import type { ProgramSpec } from '../spec.js';
import { format, version } from './options.js';

export const nodemgr: ProgramSpec = {
  name: 'nodemgr',
  summary: 'manage this capsule node',
  options: [format, version],
  commands: [
    {
      words: ['drivers'],
      summary: 'list installed driver plugins: version, what they provide, platforms, usable or why not',
      load: () => import('../commands/drivers.js'),
    },
    {
      words: ['daemon'],
      args: 'run|start|stop|status',
      summary: 'the agent daemon: heartbeats, membership, failover (run = in the foreground, for systemd)',
      load: () => import('../commands/daemon.js'),
    },
    { words: ['freeze'], summary: 'the daemon starts and stops nothing here, and peers place nothing here (maintenance)', load: async () => ({ run: (await import('../commands/node-freeze.js')).command(true) }) },
    { words: ['thaw'], summary: 'undo freeze', load: async () => ({ run: (await import('../commands/node-freeze.js')).command(false) }) },
    {
      words: ['arbitrator'],
      args: 'run',
      summary: "the cluster's tie-breaker, on a host every node reaches: listens on [arbitrator#1] address",
      load: () => import('../commands/arbitrator.js'),
    },
  ],
};
