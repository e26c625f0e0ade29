// Keywords of [sync#N] sections.
import { kw } from '@capsule/core';

export const keywords = [
  kw.list('target', { doc: 'where the config is replicated: nodes, drpnodes', default: ['nodes', 'drpnodes'] }),
] as const;
