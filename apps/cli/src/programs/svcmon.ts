// svcmon: every service at a glance.
import type { ProgramSpec } from '../spec.js';
import { format, version } from './options.js';

export const svcmon: ProgramSpec = {
  name: 'svcmon',
  summary: 'show every service of the cluster at a glance',
  options: [format, version],
  defaultCommand: ['status'],
  commands: [
    {
      words: ['status'],
      summary: 'every service on every node from the agent daemon (this node only without one); the default',
      options: [
        { name: 'watch', short: 'w', type: 'boolean', help: 'redraw in place until Ctrl-C; when stdout is not a terminal, print one snapshot after the other' },
        { name: 'interval', type: 'number', arg: 'SECONDS', help: 'seconds between redraws with --watch (default 2)' },
      ],
      load: () => import('../commands/svcmon.js'),
    },
  ],
};
