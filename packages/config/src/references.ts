// The references OpenSVC resolves without a keyword ({rid}, {fqdn},
// {clusternodes}...) and the modifiers ({upper:X}...), as seen from one node.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_CLUSTER, type ClusterInfo } from './cluster.js';

export interface ReferenceContext {
  nodename: string;
  svcname: string;
  cluster?: ClusterInfo;
  root?: string;
  bindir?: string;
}

/** capsule has no namespaces and one kind of object: OpenSVC's root namespace and svc kind. */
export const NAMESPACE = 'root';
export const KIND = 'svc';

/** {name}-style references, resolved before any keyword of the same name, as OpenSVC does. */
export function builtinReference(name: string, section: string, ctx: ReferenceContext): string | undefined {
  const { nodename, svcname } = ctx;
  const cluster = ctx.cluster ?? DEFAULT_CLUSTER;
  const root = ctx.root ?? '/';
  const etc = join(root, 'etc/capsule');
  const varDir = join(root, 'var/lib/capsule');
  switch (name) {
    case 'nodename':
      return nodename;
    case 'short_nodename':
      return nodename.split('.')[0]!;
    case 'name':
    case 'svcname':
    case 'path':
    case 'svcpath':
      return svcname;
    case 'short_name':
    case 'short_svcname':
      return svcname.split('.')[0]!;
    case 'namespace':
      return NAMESPACE;
    case 'kind':
      return KIND;
    case 'rid':
      return section;
    case 'rindex':
      return section.split('#').pop()!;
    case 'clustername':
      return cluster.name;
    case 'clusterid':
      return cluster.id;
    case 'clusternodes':
      return clusterNodes(cluster, nodename).join(' ');
    case 'clusterdrpnodes':
      return cluster.drpnodes.join(' ');
    case 'fqdn':
      return `${svcname}.${NAMESPACE}.${KIND}.${cluster.name}`;
    case 'domain':
      return `${NAMESPACE}.${KIND}.${cluster.name}`;
    case 'dns':
      return cluster.dns.join(' ');
    case 'dnsnodes': {
      // OpenSVC reverse-resolves the dns addresses; evaluation here stays offline, so
      // only dns entries written as cluster node names count.
      const nodes = clusterNodes(cluster, nodename);
      return cluster.dns.filter((d) => nodes.includes(d)).join(' ');
    }
    case 'svcmgr':
    case 'nodemgr':
      return join(ctx.bindir ?? '/usr/bin', name);
    case 'etc':
      return etc;
    case 'var':
      return varDir;
    case 'private_var':
      return join(varDir, svcname);
    case 'initd':
      return join(etc, `${svcname}.d`);
    default:
      return undefined;
  }
}

/** The node reading the file is always a cluster node, as in OpenSVC. */
function clusterNodes(cluster: ClusterInfo, nodename: string): string[] {
  return cluster.nodes.includes(nodename) ? cluster.nodes : [...cluster.nodes, nodename];
}

/**
 * {id} when DEFAULT.id is not set. OpenSVC writes a random uuid into the file
 * on create; evaluation never writes, so this one is derived from the name
 * (UUID version 5 layout): every node computes the same id.
 */
export function derivedId(svcname: string): string {
  const h = createHash('sha1').update(`capsule:svc:${svcname}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const swap = (c: string) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase());

/** Python's str methods, which OpenSVC applies. */
export const MODIFIERS: ReadonlyMap<string, (v: string) => string> = new Map([
  ['upper', (v: string) => v.toUpperCase()],
  ['lower', (v: string) => v.toLowerCase()],
  ['capitalize', (v: string) => v.charAt(0).toUpperCase() + v.slice(1).toLowerCase()],
  ['title', (v: string) => v.toLowerCase().replace(/(^|[^\p{L}])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase())],
  ['swapcase', (v: string) => [...v].map(swap).join('')],
  // An IPv6 address goes in brackets in a URI.
  ['uri_ip', (v: string) => (v.includes(':') ? `[${v}]` : v)],
]);
