// The cluster this node belongs to, from the [cluster] section of
// $CAPSULE_ROOT/etc/capsule/node.conf, as OpenSVC's node.conf has it.
import { CapsuleError } from '@capsule/core';
import ini from 'ini';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const words = z
  .string()
  .optional()
  .transform((s) => (s ?? '').split(/[\s,]+/).filter(Boolean));

const ClusterSection = z.object({
  // OpenSVC lower-cases the cluster name, and calls a cluster without one "default".
  name: z
    .string()
    .optional()
    .transform((s) => (s?.trim() || 'default').toLowerCase()),
  id: z
    .string()
    .optional()
    .transform((s) => s?.trim() ?? ''),
  nodes: words,
  drpnodes: words,
  dns: words,
});

export type ClusterInfo = z.infer<typeof ClusterSection>;

/** What a node without node.conf (or without [cluster]) belongs to. */
export const DEFAULT_CLUSTER: ClusterInfo = ClusterSection.parse({});

export function nodeConfPath(root: string): string {
  return join(root, 'etc/capsule/node.conf');
}

export function parseClusterInfo(text: string, file = 'node.conf'): ClusterInfo {
  const cluster: unknown = ini.parse(text)['cluster'] ?? {};
  const r = ClusterSection.safeParse(cluster);
  if (!r.success) {
    throw new CapsuleError('NodeConfigInvalid', `${file}: [cluster]: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, {
      hint: 'the [cluster] keywords name, id, nodes, drpnodes and dns take text values',
    });
  }
  return r.data;
}

/** The cluster from node.conf, or DEFAULT_CLUSTER when the file does not exist. */
export async function readClusterInfo(root: string): Promise<ClusterInfo> {
  const file = nodeConfPath(root);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_CLUSTER;
    throw e;
  }
  return parseClusterInfo(text, file);
}
