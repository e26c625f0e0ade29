// The cluster as node.conf describes it: [cluster] name, nodes, secret (or
// secret_file), quorum; [hb#N] heartbeats; [arbitrator#N]. Parsed from the
// sections readNodeConfig returns, with errors naming the section and
// keyword. The secret never appears in an error or a log.
import { CapsuleError, ErrorCode } from '@capsule/core';
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';

type Sections = Readonly<Record<string, Readonly<Record<string, string>>>>;

const seconds = (dflt: number) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return dflt;
      const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(s.trim());
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `expected a duration such as 1s or 500ms, got "${s}"` });
        return z.NEVER;
      }
      return Number(m[1]) * (m[2] === 'ms' ? 1 : 1000);
    });

const HbSection = z.object({
  type: z.enum(['unicast', 'multicast']).default('unicast'),
  // The multicast group; addr@NODE stays each node's own address.
  addr: z
    .ipv4()
    .refine((a) => /^2(2[4-9]|3\d)\./.test(a), 'expected a multicast group address (224.0.0.0 to 239.255.255.255)')
    .optional(),
  port: z.coerce.number().int().min(1).max(65535).default(10000),
  interval: seconds(1000),
  timeout: seconds(3000),
});

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
}

function invalid(file: string, where: string, message: string, hint: string): CapsuleError {
  return new CapsuleError(ErrorCode.ClusterConfigInvalid, `${file}: ${where}: ${message}`, { hint });
}

async function readSecret(file: string, conf: string): Promise<string> {
  const st = await stat(file).catch(() => undefined);
  if (!st) throw invalid(conf, '[cluster] secret_file', `${file} does not exist`, 'create it with mode 0600, owned by root, holding the cluster secret');
  if ((st.mode & 0o077) !== 0) {
    throw new CapsuleError(ErrorCode.SecretFileUnsafe, `${file} ([cluster] secret_file) is readable or writable by others (mode ${(st.mode & 0o777).toString(8)})`, { hint: `chmod 600 ${file}` });
  }
  return (await readFile(file, 'utf8')).trim();
}

/** `self` undefined: read by an arbitrator, which is not a node and sends no heartbeats. */
export async function clusterConfig(sections: Sections, self: string | undefined, file = 'node.conf'): Promise<ClusterConfig> {
  const c = sections['cluster'] ?? {};
  const nodes = (c['nodes'] ?? '').split(/[\s,]+/).filter(Boolean);
  if (nodes.length === 0) throw invalid(file, '[cluster] nodes', 'no nodes', 'list the cluster nodes: nodes = hv1 hv2 hv3');
  if (self !== undefined && !nodes.includes(self)) throw invalid(file, '[cluster] nodes', `this node (${self}) is not listed in ${nodes.join(' ')}`, `add ${self} to nodes, or fix CAPSULE_NODENAME`);
  const secret = c['secret_file'] ? await readSecret(c['secret_file'], file) : (c['secret'] ?? '');
  if (secret.length < 16) throw invalid(file, '[cluster] secret', 'missing or shorter than 16 characters', 'set secret_file to a root-only file holding a long random secret (openssl rand -hex 32)');
  const hbs: HbConfig[] = [];
  const arbitrators: ArbitratorConfig[] = [];
  for (const [name, body] of Object.entries(sections)) {
    if (name.startsWith('hb#')) {
      const r = HbSection.safeParse(body);
      if (!r.success) throw invalid(file, `[${name}]`, r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), 'type = unicast, port = 10000, interval = 1s, timeout = 3s');
      if (r.data.timeout <= r.data.interval) throw invalid(file, `[${name}] timeout`, 'must be longer than interval', 'a timeout of three intervals is usual');
      const addresses = Object.fromEntries(nodes.map((n) => [n, body[`addr@${n}`] ?? n]));
      if (r.data.type === 'unicast' && r.data.addr) throw invalid(file, `[${name}] addr`, 'a group address is for type = multicast', 'set addr@NODE for each node instead');
      hbs.push({ name, type: r.data.type, port: r.data.port, intervalMs: r.data.interval, timeoutMs: r.data.timeout, addresses, ...(r.data.addr ? { group: r.data.addr } : {}) });
    } else if (name.startsWith('arbitrator#')) {
      const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(body['address'] ?? '');
      if (!m) throw invalid(file, `[${name}] address`, `expected HOST:PORT, got "${body['address'] ?? ''}"`, 'address = 198.51.100.9:10001');
      arbitrators.push({ name, host: m[1]!, port: Number(m[2]) });
    }
  }
  if (hbs.length === 0 && self !== undefined) throw invalid(file, '[hb#1]', 'no heartbeat is configured', 'add [hb#1] with type = unicast and addr@NODE for each node');
  return { name: (c['name'] ?? 'default').toLowerCase(), nodes, secret, fence: /^(true|yes|1|on)$/i.test(c['quorum'] ?? ''), hbs, arbitrators };
}
