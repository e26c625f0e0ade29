// The cluster this node belongs to, from the [cluster] section of
// $CAPSULE_ROOT/etc/capsule/node.conf, as OpenSVC's node.conf has it.
import { CapsuleError, listFromString } from '@capsule/core';
import ini from 'ini';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ClusterInfo {
  name: string;
  id: string;
  nodes: string[];
  drpnodes: string[];
  dns: string[];
}

const words = (s: string | undefined) => listFromString.parse(s ?? '');

/** The [cluster] section as ini read it: text values only (ini turns `true` into a boolean). */
function toClusterInfo(section: Record<string, unknown>): ClusterInfo | string {
  const bad = ['name', 'id', 'nodes', 'drpnodes', 'dns'].filter((k) => section[k] !== undefined && typeof section[k] !== 'string');
  if (bad.length) return bad.map((k) => `${k}: expected text, got ${JSON.stringify(section[k])}`).join('; ');
  const text = section as Partial<Record<keyof ClusterInfo, string>>;
  return {
    // OpenSVC lower-cases the cluster name, and calls a cluster without one "default".
    name: (text.name?.trim() || 'default').toLowerCase(),
    id: text.id?.trim() ?? '',
    nodes: words(text.nodes),
    drpnodes: words(text.drpnodes),
    dns: words(text.dns),
  };
}

/** What a node without node.conf (or without [cluster]) belongs to. */
export const DEFAULT_CLUSTER: ClusterInfo = Object.freeze(toClusterInfo({}) as ClusterInfo);

export function nodeConfPath(root: string): string {
  return join(root, 'etc/capsule/node.conf');
}

export function parseClusterInfo(text: string, file = 'node.conf'): ClusterInfo {
  const section: unknown = ini.parse(text)['cluster'] ?? {};
  const r = typeof section === 'object' && section !== null ? toClusterInfo(section as Record<string, unknown>) : 'expected a section';
  if (typeof r === 'string') {
    throw new CapsuleError('NodeConfigInvalid', `${file}: [cluster]: ${r}`, {
      hint: 'the [cluster] keywords name, id, nodes, drpnodes and dns take text values',
    });
  }
  return r;
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
