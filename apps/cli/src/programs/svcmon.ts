// svcmon: every service at a glance.
import type { ProgramSpec } from '../spec.js';
import { format, version } from './options.js';

export const svcmon: ProgramSpec = {
  name: 'svcmon',
  summary: 'show every service of this node at a glance',
  options: [format, version],
  defaultCommand: ['status'],
  commands: [{ words: ['status'], summary: 'one line per service with its last known status (the default)', load: () => import('../commands/svcmon.js') }],
};
