// Every problem of a node.conf at once, against the keyword table: errors
// (clusterConfig throws the first; `nodemgr set` refuses an edit that has
// one) and warnings (ignored keywords and sections, an even cluster with no
// arbitrator to break a tie: said but not refused). A [stonith#NODE] must
// name another node of the cluster: a node never fences itself.
// A secret keyword's value never appears in an issue.
import { closest, ErrorCode } from '@capsule/core';
import { ARBITRATOR, CLUSTER, HB, NODE_SECTIONS, STONITH, nodeSection, splitNodeKey, type NodeSections, type NodeSectionSpec } from './node-keywords.js';
import { clusterSecret, exposedSecret, pemFileProblem, secretFileProblem } from './secret.js';

export interface NodeIssue {
  section: string;
  keyword?: string;
  message: string;
  hint: string;
  severity: 'error' | 'warning';
  code: ErrorCode;
}

export interface CheckOptions {
  /** The node reading the file: it must be one of nodes and have a heartbeat. Undefined on an arbitrator. */
  self?: string;
  /**
   * Read by the daemon or the arbitrator, to run: the cluster rules apply
   * without a [cluster] section too, and what this node lacks is an error.
   * Otherwise (a check, an edit: the file may be written on another host)
   * what this node lacks is a warning.
   */
  running?: boolean;
  /**
   * The file before an edit. An edit is refused only for what it breaks: a
   * required keyword left unset as it already was is a warning (a cluster
   * is configured one keyword at a time), one it unsets is an error.
   */
  before?: NodeSections;
  /**
   * node.conf's path, when the file is checked as it is on disk (validate,
   * the daemon): a secret in it that others can read is an error. Not for an
   * edit, which makes such a file root-only as it writes it.
   */
  file?: string;
}

const isCluster = (s: NodeSectionSpec) => s.code === ErrorCode.ClusterConfigInvalid;

export async function checkNodeConfig(conf: NodeSections, o: CheckOptions = {}): Promise<NodeIssue[]> {
  const issues: NodeIssue[] = [];
  const add = (severity: NodeIssue['severity'], code: ErrorCode, section: string, keyword: string | undefined, message: string, hint: string) =>
    issues.push({ section, ...(keyword !== undefined ? { keyword } : {}), message, hint, severity, code });
  const warn = (section: string, keyword: string | undefined, message: string, hint: string) => add('warning', ErrorCode.NodeConfigInvalid, section, keyword, message, hint);
  /** Needs `keywords` set: an error unless the edit left them as unset as they were. */
  const missing = (section: string, keywords: readonly string[], message: string, hint: string) => {
    const already = o.before !== undefined && keywords.every((k) => o.before?.[section]?.[k] === undefined);
    add(already ? 'warning' : 'error', ErrorCode.ClusterConfigInvalid, section, keywords[0], message, hint);
  };
  const selfSeverity = o.running ? 'error' : 'warning';
  const clusterRules = o.running === true || Object.hasOwn(conf, 'cluster');
  const c = conf['cluster'] ?? {};
  const nodesParsed = CLUSTER.nodes.schema.safeParse(c['nodes'] ?? '');
  const nodes = nodesParsed.success ? nodesParsed.data : undefined;
  const hasSection = (keywords: NodeSectionSpec['keywords']) => Object.keys(conf).some((n) => nodeSection(n)?.keywords === keywords);

  function checkSection(name: string, body: Readonly<Record<string, string>>): void {
    const spec = nodeSection(name);
    if (!spec) {
      const near = closest(name, NODE_SECTIONS.map((s) => s.title));
      warn(name, undefined, `unknown section [${name}], ignored`, near ? `did you mean [${near}]?` : `node.conf sections are ${NODE_SECTIONS.map((s) => `[${s.title}]`).join(', ')}`);
      return;
    }
    if (spec.freeForm) return checkEndpoint(name, body);
    const names = Object.values(spec.keywords).map((k) => (k.perNode ? `${k.name}@NODE` : k.alsoPerNode ? `${k.name}[@NODE]` : k.name));
    for (const [key, value] of Object.entries(body)) {
      const { keyword, node } = splitNodeKey(key);
      const k = Object.hasOwn(spec.keywords, keyword) ? spec.keywords[keyword] : undefined;
      if (!k) {
        const near = closest(keyword, Object.keys(spec.keywords));
        warn(name, key, `unknown keyword "${keyword}", ignored`, near ? `did you mean "${near}"?` : `[${spec.title}] accepts ${names.join(', ')}`);
        continue;
      }
      if (k.perNode && node === undefined) {
        warn(name, key, `${keyword} is read per node only, ignored`, `write ${keyword}@NODE = VALUE, one line a node`);
        continue;
      }
      if (!k.perNode && !k.alsoPerNode && node !== undefined) {
        warn(name, key, `${keyword} cannot be scoped, ignored`, `write ${keyword} without @${node}`);
        continue;
      }
      if (k.perNode && isCluster(spec) && nodes && !nodes.includes(node!)) warn(name, key, `${node} is not one of the cluster nodes (${nodes.join(' ')}), ignored`, `add ${node} to cluster.nodes, or fix the name`);
      if (k.secret && body['secret_file'] !== undefined) {
        warn(name, key, `${keyword} is ignored: secret_file is set`, `unset ${name}.${keyword}`);
        continue;
      }
      const r = k.schema.safeParse(value);
      if (!r.success) add('error', spec.code, name, key, r.error.issues.map((i) => i.message).join('; '), k.doc);
    }
    if (clusterRules && isCluster(spec)) {
      for (const k of Object.values(spec.keywords)) if (k.required && body[k.name] === undefined) missing(name, [k.name], `missing required keyword ${k.name}`, k.doc);
    }
    if (spec.keywords === HB) checkTimeout(name, body);
    if (spec.keywords === STONITH) checkStonith(name, body);
    if (spec.keywords === HB && body['group'] !== undefined && (body['type'] ?? 'unicast') !== 'multicast') {
      add('error', ErrorCode.ClusterConfigInvalid, name, 'group', 'a group address is for type = multicast', 'set type = multicast, or unset group and set addr@NODE for each node');
    }
  }

  /**
   * [driver.TYPE] belongs to its driver, but `url` and `insecure` are what
   * driver-kit's endpoint client reads for every API driver: the driver's
   * credentials must not travel in clear, nor to whoever poses as the endpoint.
   */
  function checkEndpoint(name: string, body: Readonly<Record<string, string>>): void {
    const url = body['url'];
    if (url !== undefined && /^http:\/\//i.test(url.trim())) {
      add('error', ErrorCode.EndpointNotHttps, name, 'url', `${url} is plain http: the driver's credentials would cross the network in clear`, 'use an https:// URL (ca_file names the CA of a private endpoint)');
    }
    if (body['insecure'] === 'true') {
      add('warning', ErrorCode.NodeConfigInvalid, name, 'insecure', 'TLS verification is off: anyone between this node and the endpoint can pose as it and take its credentials', `give the endpoint's CA in ca_file and unset ${name}.insecure`);
    }
  }

  function checkTimeout(name: string, body: Readonly<Record<string, string>>): void {
    // A value that does not parse is reported on its own line, not compared.
    const ms = (k: typeof HB.interval): number | undefined => {
      const raw = body[k.name];
      if (raw === undefined) return k.default;
      const r = k.schema.safeParse(raw);
      return r.success ? r.data : undefined;
    };
    const interval = ms(HB.interval);
    const timeout = ms(HB.timeout);
    if (interval !== undefined && timeout !== undefined && timeout <= interval) {
      add('error', ErrorCode.ClusterConfigInvalid, name, 'timeout', `must be longer than interval (timeout ${timeout} ms, interval ${interval} ms)`, 'a timeout of three intervals is usual');
    }
  }

  // [stonith#NODE]: the command this node runs to fence a peer; om3 names it `command`.
  function checkStonith(name: string, body: Readonly<Record<string, string>>): void {
    const node = name.slice('stonith#'.length);
    const fail = (keyword: string | undefined, message: string, hint: string) => add('error', ErrorCode.ClusterConfigInvalid, name, keyword, message, hint);
    if (nodes && !nodes.includes(node)) fail(undefined, `${node} is not one of the cluster nodes (${nodes.join(' ')})`, `[stonith#NODE] holds the command that fences peer NODE: rename the section after a node of cluster.nodes, or remove it`);
    // A node that fences itself to take over would power itself off: om3 refuses it too.
    else if (o.self === node) fail(undefined, `${node} is this node: a node never fences itself`, `remove [${name}] from this node's node.conf; its peers' node.conf say how to fence ${node}`);
    if (body['cmd'] !== undefined && body['command'] !== undefined) fail('command', 'cmd and command are both set', `unset ${name}.command (om3's name for cmd)`);
    // An empty section is what `nodemgr unset` leaves: said, not refused, and read as no command (no takeover from that node).
    if (body['cmd'] === undefined && body['command'] === undefined) warn(name, 'cmd', 'no fence command, section ignored', `set ${name}.cmd to the fence agent and its arguments (/usr/sbin/fence_ipmilan --ip BMC --username USER --password-script FILE --action off); until then a service with stonith = true does not take over from ${node}`);
  }

  async function checkCluster(): Promise<void> {
    const exposed = o.file === undefined ? undefined : await exposedSecret(conf, o.file);
    if (exposed) add('error', exposed.code, 'cluster', exposed.keyword, exposed.message, exposed.hint);
    if (o.self !== undefined && nodes && !nodes.includes(o.self)) {
      add(selfSeverity, ErrorCode.ClusterConfigInvalid, 'cluster', 'nodes', `this node (${o.self}) is not listed in ${nodes.join(' ')}`, `add ${o.self} to nodes, or fix CAPSULE_NODENAME`);
    }
    // A broken secret_file value is reported as such; reading a file it does not name says nothing more.
    if (c['secret_file'] !== undefined && !CLUSTER.secret_file.schema.safeParse(c['secret_file']).success) return;
    const s = await clusterSecret(c);
    if (!('problem' in s)) return;
    const p = s.problem;
    if (p.missing) missing('cluster', p.missing, p.message, p.hint);
    else add('error', p.code, 'cluster', p.keyword, p.message, p.hint);
  }

  // backend = etcd: where etcd is must be said, and this node's client key is a secret like the cluster's.
  async function checkEtcd(): Promise<void> {
    if (c['etcd_endpoints'] === undefined) missing('cluster', ['etcd_endpoints'], 'backend = etcd without etcd_endpoints', 'set etcd_endpoints = https://HOST:2379 ... (the client URLs of the etcd members)');
    if ((c['etcd_cert'] === undefined) !== (c['etcd_key'] === undefined)) add('error', ErrorCode.ClusterConfigInvalid, 'cluster', c['etcd_cert'] === undefined ? 'etcd_cert' : 'etcd_key', 'etcd_cert and etcd_key go together', 'set both (mutual TLS), or neither');
    for (const k of ['etcd_ca', 'etcd_cert', 'etcd_key'] as const) {
      const file = c[k];
      if (file === undefined) continue;
      const p = await pemFileProblem(file, k === 'etcd_key');
      if (p) add('error', p.code, 'cluster', k, p.message, p.hint);
    }
  }

  // [listener]: on the network only over TLS, with someone able to authenticate; the key and the tokens are secrets.
  async function checkListener(l: Readonly<Record<string, string>>): Promise<void> {
    if (l['address'] !== undefined) {
      for (const k of ['tls_cert', 'tls_key'] as const) {
        if (l[k] === undefined) missing('listener', [k], `address without ${k}: the API is served over HTTPS only`, `set ${k} to a PEM file (openssl req -x509 ... makes one), or unset address to keep the API on the Unix socket`);
      }
      if (l['tokens_file'] === undefined) missing('listener', ['tokens_file'], 'address without tokens_file: no client could authenticate', 'set tokens_file to a root-only file of NAME ROLE TOKEN lines');
    }
    for (const k of ['tls_cert', 'tls_key', 'client_ca'] as const) {
      const file = l[k];
      if (file === undefined) continue;
      const p = await pemFileProblem(file, k === 'tls_key');
      if (p) add('error', p.code === ErrorCode.ClusterConfigInvalid ? ErrorCode.NodeConfigInvalid : p.code, 'listener', k, p.message, p.hint);
    }
    if (l['tokens_file'] !== undefined) {
      const p = await secretFileProblem(l['tokens_file']);
      if (p) add('error', p.code, 'listener', 'tokens_file', p.message, p.hint);
    }
  }

  // Each half of an even cluster cut in two is no majority: without an arbitrator to break the tie, neither may take over.
  function checkTieBreaker(): void {
    if (!nodes || nodes.length % 2 !== 0 || hasSection(ARBITRATOR)) return;
    const lost = nodes.length === 2 ? 'a node is' : `${nodes.length / 2} nodes are`;
    add('warning', ErrorCode.ClusterConfigInvalid, 'cluster', 'nodes', `a ${nodes.length}-node cluster without arbitrator cannot fail over when ${lost} lost: half the nodes never has quorum`, 'add an [arbitrator#1] with address = HOST:PORT on a host every node reaches (`nodemgr arbitrator run` there), or an odd number of nodes');
  }

  // [cluster] first: the daemon stops at the first error, and the cluster's own come first.
  if (conf['cluster']) checkSection('cluster', c);
  if (clusterRules) {
    if (!conf['cluster']) missing('cluster', ['nodes'], 'no [cluster] section', 'add [cluster] with nodes and secret_file');
    await checkCluster();
    checkTieBreaker();
  }
  for (const [name, body] of Object.entries(conf)) if (name !== 'cluster') checkSection(name, body);
  if (conf['listener']) await checkListener(conf['listener']);
  const etcd = c['backend']?.trim() === 'etcd';
  if (clusterRules && etcd) await checkEtcd();
  if (clusterRules && o.self !== undefined && !etcd && !hasSection(HB)) {
    add(selfSeverity, ErrorCode.ClusterConfigInvalid, 'hb#1', undefined, 'no heartbeat is configured', 'add [hb#1] with type = unicast and addr@NODE for each node');
  }
  return issues;
}

