// Keywords of [sync#N] sections.
import { kw, type KeywordSpec } from '@capsule/core';

export const keywords: KeywordSpec[] = [
  kw.list('target', { doc: 'where the config is replicated: nodes, drpnodes', default: ['nodes', 'drpnodes'] }),
];
