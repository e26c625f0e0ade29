// The node.conf keyword table: every section and keyword a node reads, with
// a one-line help each. clusterConfig parses with it and `nodemgr set`
// validates with it, so an edit the command accepts is one the daemon reads.
// [stonith#NODE] holds the fence command of peer NODE.
// [ssh] and [driver.TYPE] are read by @capsule/config (node-config.ts); they
// are listed here so that the table covers the whole file.
import { boolFromString, ErrorCode, intFromString, kw, listFromString, stringFromString, type KeywordSchema, type KeywordSpec } from '@capsule/core';
import { join } from 'node:path';
import { z } from 'zod';
import { splitCommandLine } from './command-line.js';

export type NodeSections = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** Where a default is read: this node's CAPSULE_ROOT, and the node of a `KEYWORD@NODE`. */
export interface DefaultAt {
  root: string;
  node?: string;
}

export interface NodeKeyword<T = unknown> extends KeywordSpec<T> {
  /** Read only as `KEYWORD@NODE`, one value a node (`addr@hv1`). */
  perNode?: true;
  /** Read as `KEYWORD` for every node, and as `KEYWORD@NODE` for one node, which wins (`port@hv2`). */
  alsoPerNode?: true;
  /** Never printed, logged or put in an error. */
  secret?: true;
  /** The default as node.conf would write it, when the typed default does not say it (`1s` for 1000 ms) or depends on where it is read. */
  defaultText?: string | ((at: DefaultAt) => string | undefined);
}

export interface NodeSectionSpec {
  /** As help writes it: `cluster`, `hb#N`, `driver.TYPE`. */
  title: string;
  help: string;
  matches(name: string): boolean;
  keywords: Readonly<Record<string, NodeKeyword>>;
  /** [driver.TYPE] belongs to its driver: any keyword goes. */
  freeForm?: true;
  /** The code of a problem in this section. */
  code: ErrorCode;
}

/** A keyword whose value is parsed by `schema`; node.conf keywords are not scoped unless perNode. */
function keyword<T>(
  name: string,
  schema: KeywordSchema<T>,
  o: { doc: string; default?: T; required?: boolean; perNode?: true; alsoPerNode?: true; secret?: true; defaultText?: NodeKeyword['defaultText'] },
): NodeKeyword<T> {
  return {
    name,
    schema,
    doc: o.doc,
    scopable: o.perNode === true || o.alsoPerNode === true,
    required: o.required ?? false,
    present: o.required === true || o.default !== undefined,
    ...(o.default !== undefined ? { default: o.default } : {}),
    ...(o.perNode ? { perNode: true } : {}),
    ...(o.alsoPerNode ? { alsoPerNode: true } : {}),
    ...(o.secret ? { secret: true } : {}),
    ...(o.defaultText !== undefined ? { defaultText: o.defaultText } : {}),
  };
}

/** `1s`, `500ms`, `1.5` (seconds) -> milliseconds: heartbeats work below the second. */
const millis = z.string().transform((s, ctx) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(s.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 1s or 500ms, got "${s}"` });
    return z.NEVER;
  }
  return Number(m[1]) * (m[2] === 'ms' ? 1 : 1000);
});

const PORT = 'a port is a number from 1 to 65535';
const port = intFromString.refine((n) => n >= 1 && n <= 65535, PORT);

/** `HOST:PORT`, `[V6]:PORT`. */
const hostPort = z.string().transform((s, ctx) => {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(s.trim());
  const p = Number(m?.[2]);
  if (!m || p < 1 || p > 65535) {
    ctx.addIssue({ code: 'custom', message: `expected HOST:PORT with a port from 1 to 65535, got "${s}"` });
    return z.NEVER;
  }
  return { host: m[1]!, port: p };
});

const multicastGroup = z.ipv4().refine((a) => /^2(2[4-9]|3\d)\./.test(a), 'expected a multicast group address (224.0.0.0 to 239.255.255.255)');

/** A login name, as useradd takes it: it ends up on an ssh command line. */
const userName = stringFromString.refine((s) => /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s), (s) => `expected a user name (letters, digits, _ . -), got "${s}"`);

const nodeList = listFromString.refine((l) => l.length > 0, 'no nodes');

/** The secret is never quoted back: a message about it says how it is wrong, not what it is. */
const secret = z.string().refine((s) => s.trim().length >= 16, 'shorter than 16 characters');

const positiveSeconds = z.string().transform((s, ctx) => {
  const v = Number(s.trim());
  if (s.trim() === '' || !Number.isFinite(v) || v <= 0) {
    ctx.addIssue({ code: 'custom', message: `expected a number of seconds above 0, got "${s}"` });
    return z.NEVER;
  }
  return v;
});

/** etcd client URLs: http(s)://HOST:PORT, blank-separated. */
const etcdEndpoints = z.string().transform((s, ctx) => {
  const urls = s.split(/[\s,]+/).filter(Boolean);
  const bad = urls.find((u) => !/^https?:\/\/[^\s/]+:\d+\/?$/.test(u));
  if (!urls.length || bad !== undefined) {
    ctx.addIssue({ code: 'custom', message: `expected etcd client URLs like https://10.0.0.1:2379, got "${bad ?? s}"` });
    return z.NEVER;
  }
  return urls;
});

export const CLUSTER = {
  // OpenSVC lower-cases the cluster name, and calls a cluster without one "default".
  name: keyword('name', z.string().transform((s) => (s.trim() || 'default').toLowerCase()), { doc: 'the cluster name, lower-cased', default: 'default' }),
  id: kw.string('id', { doc: 'the cluster id, the same on every node ({clusterid} in service files)', scopable: false }),
  nodes: keyword('nodes', nodeList, { doc: 'the cluster nodes by name: nodes = hv1 hv2 hv3', required: true }),
  drpnodes: keyword('drpnodes', listFromString, { doc: 'the disaster recovery nodes' }),
  dns: keyword('dns', listFromString, { doc: 'the cluster DNS servers ({dns} in service files)' }),
  secret: keyword('secret', secret, { doc: 'the HMAC key of heartbeats, 16 characters or more; prefer secret_file', secret: true }),
  secret_file: kw.path('secret_file', { doc: 'a root-only file (mode 0600) holding the cluster secret: openssl rand -hex 32 > FILE', scopable: false }),
  quorum: keyword('quorum', boolFromString, { doc: 'true: a node that loses quorum stops its ha services', default: false }),
  backend: { ...kw.choice('backend', ['hb', 'etcd'], { doc: 'how nodes know each other and place services: hb (heartbeats, [hb#N]) or etcd (leases and transactions in an etcd cluster)', default: 'hb' }), scopable: false },
  etcd_endpoints: keyword('etcd_endpoints', etcdEndpoints, { doc: 'backend = etcd: the client URLs of the etcd members, https://HOST:2379 ...' }),
  etcd_prefix: keyword('etcd_prefix', z.string().regex(/^\/\S*\/$/, 'expected a key prefix starting and ending with /, e.g. /capsule/prod/'), { doc: "backend = etcd: the keys' prefix (default /capsule/CLUSTER/)" }),
  etcd_timeout: keyword('etcd_timeout', millis, { doc: "backend = etcd: the lease TTL: a node etcd has not heard for this long is lost (rounded up to seconds; quorum is lost at half of it)", default: 10_000, defaultText: '10s' }),
  etcd_ca: kw.path('etcd_ca', { doc: 'backend = etcd: the CA certificate (PEM) that signed the etcd members', scopable: false }),
  etcd_cert: kw.path('etcd_cert', { doc: "backend = etcd: this node's client certificate (PEM)", scopable: false }),
  etcd_key: kw.path('etcd_key', { doc: "backend = etcd: this node's client key (PEM), a root-only file (mode 0600)", scopable: false }),
};

export const HB = {
  type: { ...kw.choice('type', ['unicast', 'multicast'], { doc: 'unicast or multicast', default: 'unicast' }), scopable: false },
  port: keyword('port', port, { doc: 'the UDP port heartbeats are sent to and heard on', default: 10000 }),
  interval: keyword('interval', millis, { doc: 'time between two heartbeats: 1s, 500ms', default: 1000, defaultText: '1s' }),
  timeout: keyword('timeout', millis, { doc: 'a peer unheard for this long is lost; longer than interval (three intervals is usual)', default: 3000, defaultText: '3s' }),
  addr: keyword('addr', z.string(), { doc: 'addr@NODE: where NODE listens and is sent to (default: the node name)', perNode: true, defaultText: ({ node }) => node }),
  group: keyword('group', multicastGroup, { doc: 'type = multicast: the group heartbeats are sent to (224.3.29.71 by default)' }),
};

export const ARBITRATOR = {
  address: keyword('address', hostPort, { doc: 'where the arbitrator listens: address = 198.51.100.9:10001', required: true }),
};

/** A command line, split into argv (command-line.ts): never run by a shell. */
const commandLine = z.string().transform((s, ctx) => {
  const c = splitCommandLine(s);
  if ('problem' in c) {
    ctx.addIssue({ code: 'custom', message: `${c.problem}: expected a command and its arguments, as on a shell command line (no shell runs it)` });
    return z.NEVER;
  }
  return c.argv;
});

const FENCE_DOC = 'the command that fences (powers off) NODE, run by the node taking over a service with stonith = true; exit 0 means NODE is off. A command line split on blanks, with \'...\' and "..." quotes; no shell';

export const STONITH = {
  cmd: keyword('cmd', commandLine, { doc: FENCE_DOC }),
  // om3 calls it `command`: a file written for either reads the same.
  command: keyword('command', commandLine, { doc: `om3's name for cmd: ${FENCE_DOC}` }),
};

export const SSH = {
  identity_file: { ...kw.path('identity_file', { doc: 'the private key this node uses (default: etc/capsule/ssh/id_ed25519)', scopable: false }), defaultText: ({ root }: DefaultAt) => join(root, 'etc/capsule/ssh/id_ed25519') },
  known_hosts: { ...kw.path('known_hosts', { doc: 'the known_hosts file checked (default: etc/capsule/ssh/known_hosts)', scopable: false }), defaultText: ({ root }: DefaultAt) => join(root, 'etc/capsule/ssh/known_hosts') },
  connect_timeout: keyword('connect_timeout', positiveSeconds, { doc: 'seconds to wait for an ssh connection', default: 10 }),
  addr: keyword('addr', z.string(), { doc: "addr@NODE: where this node reaches NODE over ssh (default: NODE's heartbeat address)", perNode: true }),
  port: keyword('port', port, { doc: 'the ssh port of the peers (switch, migrate, takeover, replication); port@NODE for one peer', default: 22, alsoPerNode: true }),
  user: keyword('user', userName, { doc: 'the user this node logs in to the peers as; user@NODE for one peer', default: 'root', alsoPerNode: true }),
};

export const LISTENER = {
  address: keyword('address', z.string().refine((s) => s.trim() !== '', 'expected an address to listen on'), { doc: 'the address the agent serves its HTTP API and web page on (HTTPS); unset: the Unix socket only, nothing on the network' }),
  port: keyword('port', port, { doc: 'the TCP port of the API', default: 1215 }),
  tls_cert: kw.path('tls_cert', { doc: "the listener's certificate (PEM); required with address", scopable: false }),
  tls_key: kw.path('tls_key', { doc: "the listener's private key (PEM), a root-only file (mode 0600); required with address", scopable: false }),
  client_ca: kw.path('client_ca', { doc: 'the CA (PEM) whose client certificates are accepted; their common name is looked up in tokens_file for its role', scopable: false }),
  tokens_file: kw.path('tokens_file', { doc: 'a root-only file (mode 0600) of API clients, one a line: NAME ROLE TOKEN, or NAME ROLE cn:COMMON_NAME for a client certificate; ROLE is read or admin', scopable: false }),
};

export const NODE_SECTIONS: readonly NodeSectionSpec[] = [
  { title: 'cluster', help: 'the cluster this node belongs to', matches: (n) => n === 'cluster', keywords: CLUSTER, code: ErrorCode.ClusterConfigInvalid },
  { title: 'hb#N', help: 'a heartbeat link', matches: (n) => /^hb#\d+$/.test(n), keywords: HB, code: ErrorCode.ClusterConfigInvalid },
  { title: 'arbitrator#N', help: 'a tie-breaker on a host every node reaches', matches: (n) => /^arbitrator#\d+$/.test(n), keywords: ARBITRATOR, code: ErrorCode.ClusterConfigInvalid },
  { title: 'stonith#NODE', help: 'how this node fences peer NODE before taking over its services (stonith = true)', matches: (n) => /^stonith#.+$/.test(n), keywords: STONITH, code: ErrorCode.ClusterConfigInvalid },
  { title: 'listener', help: "the agent's HTTP API and web page", matches: (n) => n === 'listener', keywords: LISTENER, code: ErrorCode.NodeConfigInvalid },
  { title: 'ssh', help: 'how this node reaches guests and peers over ssh', matches: (n) => n === 'ssh', keywords: SSH, code: ErrorCode.NodeConfigInvalid },
  { title: 'driver.TYPE', help: "the settings of driver TYPE (see the driver's documentation)", matches: (n) => /^driver\.[^.]+$/.test(n), keywords: {}, freeForm: true, code: ErrorCode.NodeConfigInvalid },
];

export function nodeSection(name: string): NodeSectionSpec | undefined {
  return NODE_SECTIONS.find((s) => s.matches(name));
}

/** `addr@hv1` -> addr, hv1. */
export function splitNodeKey(key: string): { keyword: string; node?: string } {
  const at = key.indexOf('@');
  return at < 0 ? { keyword: key } : { keyword: key.slice(0, at), node: key.slice(at + 1) };
}

/** The keyword's spec, for `section` and `key` as written (scope included). */
export function nodeKeyword(section: string, key: string): NodeKeyword | undefined {
  const s = nodeSection(section);
  const { keyword } = splitNodeKey(key);
  return s && Object.hasOwn(s.keywords, keyword) ? s.keywords[keyword] : undefined;
}

/** A keyword's default as node.conf would write it (what `nodemgr get` prints for a keyword not set), if it has one. */
export function keywordDefault(spec: NodeKeyword | KeywordSpec, at: DefaultAt): string | undefined {
  const text = (spec as NodeKeyword).defaultText;
  if (typeof text === 'function') return text(at);
  return text ?? (spec.default === undefined ? undefined : String(spec.default));
}

/** The typed value of a keyword already checked, or its default. */
export function readKeyword<T>(spec: NodeKeyword<T> | KeywordSpec<T>, raw: string | undefined): T | undefined {
  return raw === undefined ? spec.default : spec.schema.parse(raw);
}
