// The cluster as node.conf describes it: [cluster] name, nodes, secret (or
// secret_file), quorum; [hb#N] heartbeats; [arbitrator#N]; [stonith#NODE]
// fence commands. Parsed from the sections readNodeConfig returns, by the
// rules `nodemgr set` validates with (node-check.ts), so the first error
// names the section and keyword.
// The secret never appears in an error or a log.
import { CapsuleError } from '@capsule/core';
import { checkNodeConfig, type NodeIssue } from './node-check.js';
import { ARBITRATOR, CLUSTER, HB, nodeSection, STONITH, readKeyword, type NodeKeyword, type NodeSections } from './node-keywords.js';
import { clusterSecret } from './secret.js';

export interface HbConfig {
  name: string;
  type: 'unicast' | 'multicast';
  port: number;
  intervalMs: number;
  timeoutMs: number;
  /** multicast: the group datagrams are sent to. */
  group?: string;
  /** Where each node listens and is sent to: `addr@NODE`, else the node name. */
  addresses: Record<string, string>;
}

/** `[cluster] backend = etcd`: where the etcd cluster is and how to reach it. */
export interface EtcdConfig {
  endpoints: string[];
  prefix?: string;
  ttlMs: number;
  /** PEM files: the CA, this node's certificate and key (mutual TLS). */
  ca?: string;
  cert?: string;
  key?: string;
}

export interface ArbitratorConfig {
  name: string;
  host: string;
  port: number;
}

export interface ClusterConfig {
  name: string;
  nodes: string[];
  /** The HMAC key of heartbeats and arbitrator messages. */
  secret: string;
  /** `quorum = true`: a node that loses quorum stops its ha services. */
  fence: boolean;
  hbs: HbConfig[];
  arbitrators: ArbitratorConfig[];
  /** `[stonith#NODE] cmd`: the argv that fences (powers off) peer NODE. A peer without one is never fenced, so never taken over from with stonith = true. */
  stonith: Record<string, string[]>;
  /** Set with `backend = etcd`: membership and placement in etcd instead of heartbeats. */
  etcd?: EtcdConfig;
}

/** The daemon's rhythm: its publishing interval and the time after which a silent peer is lost, whatever the backend. */
export function clusterTiming(c: ClusterConfig): { intervalMs: number; timeoutMs: number } {
  if (c.etcd) return { intervalMs: Math.max(100, Math.round(c.etcd.ttlMs / 3)), timeoutMs: c.etcd.ttlMs };
  return c.hbs[0]!;
}

/**
 * `self` undefined: read by an arbitrator, which is not a node and sends no
 * heartbeats. `file`: node.conf's path, whose mode is checked when it holds
 * the secret.
 */
export async function clusterConfig(sections: NodeSections, self: string | undefined, file?: string): Promise<ClusterConfig> {
  const invalid = (i: Pick<NodeIssue, 'code' | 'keyword' | 'message' | 'hint'>, section = 'cluster') =>
    new CapsuleError(i.code, `${file ?? 'node.conf'}: [${section}]${i.keyword ? ` ${i.keyword}` : ''}: ${i.message}`, { hint: i.hint });
  const error = (await checkNodeConfig(sections, { ...(self !== undefined ? { self } : {}), running: true, ...(file !== undefined ? { file } : {}) })).find((i) => i.severity === 'error');
  if (error) throw invalid(error, error.section);
  const c = sections['cluster'] ?? {};
  const nodes = readKeyword(CLUSTER.nodes, c['nodes'])!;
  const s = await clusterSecret(c);
  // Checked above, but the secret file may have changed since.
  if ('problem' in s) throw invalid(s.problem);
  const hbs: HbConfig[] = [];
  const arbitrators: ArbitratorConfig[] = [];
  const stonith: Record<string, string[]> = {};
  for (const [name, body] of Object.entries(sections)) {
    const keywords = nodeSection(name)?.keywords;
    if (keywords === HB) {
      const addresses = Object.fromEntries(nodes.map((n) => [n, body[`addr@${n}`] ?? n]));
      const value = <T>(k: NodeKeyword<T>) => readKeyword(k, body[k.name])!;
      const group = readKeyword(HB.group, body['group']);
      hbs.push({ name, type: value(HB.type), port: value(HB.port), intervalMs: value(HB.interval), timeoutMs: value(HB.timeout), addresses, ...(group ? { group } : {}) });
    } else if (keywords === ARBITRATOR) {
      arbitrators.push({ name, ...readKeyword(ARBITRATOR.address, body['address'])! });
    } else if (keywords === STONITH) {
      const argv = readKeyword(STONITH.cmd, body['cmd']) ?? readKeyword(STONITH.command, body['command']);
      if (argv) stonith[name.slice('stonith#'.length)] = argv;
    }
  }
  const base = { name: readKeyword(CLUSTER.name, c['name'])!, nodes, secret: s.secret, fence: readKeyword(CLUSTER.quorum, c['quorum'])!, hbs, arbitrators, stonith };
  if (readKeyword(CLUSTER.backend, c['backend']) !== 'etcd') return base;
  const prefix = readKeyword(CLUSTER.etcd_prefix, c['etcd_prefix']);
  const files = Object.fromEntries((['ca', 'cert', 'key'] as const).flatMap((k) => (c[`etcd_${k}`] !== undefined ? [[k, c[`etcd_${k}`]!]] : [])));
  return { ...base, etcd: { endpoints: readKeyword(CLUSTER.etcd_endpoints, c['etcd_endpoints'])!, ttlMs: readKeyword(CLUSTER.etcd_timeout, c['etcd_timeout'])!, ...(prefix ? { prefix } : {}), ...files } };
}
