// svcmgr: acts on one service (-s SVC).
import type { ProgramSpec } from '../spec.js';
import { format, service, version } from './options.js';

export const svcmgr: ProgramSpec = {
  name: 'svcmgr',
  summary: 'manage a capsule service on this node',
  options: [service, format, version],
  commands: [{ words: ['ls'], summary: 'list the services configured on this node', load: () => import('../commands/ls.js') }],
};
