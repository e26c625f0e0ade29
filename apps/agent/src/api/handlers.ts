// What the API's routes read and do on this node: the cluster from the
// agent's membership, a service's status, config and log from its files
// and svcmgr, actions run as svcmgr would run them, with the caller named
// in the audit log.
import { type Action, type ActionAccepted, type ClusterResponse, type ConfigResponse, type LogResponse } from '@capsule/api';
import { clusterTarget, holds, type Membership, type PeerState, type ServicePolicy } from '@capsule/cluster';
import { servicePaths } from '@capsule/config';
import { localExec } from '@capsule/transport';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventBus } from './bus.js';
import type { Client } from './clients.js';
import { ApiRefusal, type ApiHandlers } from './server.js';

export interface AgentState {
  self: string;
  clusterName: string;
  nodes: readonly string[];
  backend: 'hb' | 'etcd';
  root: string;
  /** The command actions run with (`[node, svcmgr.js]` or `['svcmgr']`). */
  svcmgr: readonly string[];
  membership(): Membership;
  peers(): Record<string, PeerState>;
  /** The services this node has, with their policy once loaded. */
  services(): ReadonlyMap<string, ServicePolicy | undefined>;
  log(line: string): void;
}

/** Values of keywords that look secret are masked for the read role (as the audit log masks them). */
const SECRET = /pass|secret|token|key|credential/i;
export const maskSecrets = (text: string) => text.replace(/^(\s*([^=\s#;][^=]*?)\s*=\s*)(.*)$/gm, (line, head: string, key: string, value: string) => (SECRET.test(key) && value.trim() ? `${head}********` : line));

async function tail(file: string, n: number): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? '' : Promise.reject(e)));
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-n);
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };

/** The web page's files from the agent's build (dist/web), read once each. */
export function pageFiles(dir: string): (path: string) => { type: string; body: Buffer } | undefined {
  const cache = new Map<string, { type: string; body: Buffer } | undefined>();
  return (path) => {
    if (!/^\/[\w.-]+$/.test(path)) return undefined;
    if (!cache.has(path)) {
      const type = TYPES[path.slice(path.lastIndexOf('.'))];
      let body: Buffer | undefined;
      try {
        body = type ? readFileSync(join(dir, path)) : undefined;
      } catch {
        body = undefined;
      }
      cache.set(path, type && body ? { type, body } : undefined);
    }
    return cache.get(path);
  };
}

export function agentHandlers(a: AgentState, bus: EventBus, page?: ApiHandlers['page']): ApiHandlers {
  const known = (svc: string) => {
    if (!a.services().has(svc)) throw new ApiRefusal(404, 'ServiceNotFound', `${svc} is not a service of ${a.self}`, `GET /api/v1/cluster lists the services`);
    return svc;
  };
  return {
    ...(page ? { page } : {}),
    cluster(): ClusterResponse {
      const m = a.membership();
      const peers = a.peers();
      const services: ClusterResponse['services'] = {};
      for (const [name, p] of a.services()) {
        const instances = Object.fromEntries(m.alive.flatMap((n) => (m.views[n]?.services[name] ? [[n, m.views[n]!.services[name]!]] : [])));
        const target = clusterTarget(m.views, name)?.target.target;
        services[name] = {
          topology: p?.topology ?? 'failover',
          orchestrate: p?.orchestrate ?? 'no',
          nodes: [...(p?.nodes ?? [a.self])],
          ...(target ? { target } : {}),
          placement: Object.entries(instances).filter(([, i]) => holds(i)).map(([n]) => n),
          instances,
        };
      }
      return {
        node: a.self,
        cluster: a.clusterName,
        backend: a.backend,
        quorum: m.quorum,
        ready: m.ready,
        nodes: a.nodes.map((n) => ({ name: n, alive: m.alive.includes(n), frozen: m.views[n]?.frozen ?? false, ...(n !== a.self && peers[n]?.reason ? { reason: peers[n]!.reason! } : {}) })),
        services,
      };
    },

    async status(svc) {
      const r = await localExec([...a.svcmgr, '-s', known(svc), 'json', 'status'], { env: { CAPSULE_ROOT: a.root, CAPSULE_NODENAME: a.self }, timeoutMs: 60_000 });
      if (r.code !== 0) {
        // All of it in the agent's log: a crash's last line is only Node's version, the cause is above it.
        a.log(`api: svcmgr -s ${svc} json status exited ${r.code}:\n${r.stderr.trimEnd()}`);
        throw new ApiRefusal(409, 'StatusFailed', `svcmgr -s ${svc} json status exited ${r.code}: ${r.stderr.trim().split('\n').find((l) => /error/i.test(l)) ?? r.stderr.trim().split('\n').pop() ?? ''}`, 'the agent log has its whole output');
      }
      return JSON.parse(r.stdout) as unknown;
    },

    async config(svc, reveal): Promise<ConfigResponse> {
      const text = await readFile(servicePaths(a.root, known(svc)).config, 'utf8');
      return { service: svc, text: reveal ? text : maskSecrets(text), csum: createHash('sha256').update(text).digest('hex') };
    },

    async log(svc, n): Promise<LogResponse> {
      return { service: svc, lines: await tail(`${servicePaths(a.root, known(svc)).varDir}/log`, n) };
    },

    action(svc, action: Action, to, client: Client): ActionAccepted {
      known(svc);
      const id = randomBytes(6).toString('hex');
      const by = `api: ${client.name} (${client.role})`;
      const argv = [...a.svcmgr, '-s', svc, action, ...(to ? ['--to', to] : [])];
      bus.publish({ kind: 'action', action_id: id, service: svc, action, phase: 'begin', by });
      // The audit log says who asked: svcmgr records CAPSULE_ORIGIN as the action's origin.
      void localExec(argv, { env: { CAPSULE_ROOT: a.root, CAPSULE_NODENAME: a.self, CAPSULE_ORIGIN: by }, timeoutMs: 15 * 60_000 }).then(
        (r) => bus.publish({ kind: 'action', action_id: id, service: svc, action, phase: 'end', by, code: r.code, ...(r.code !== 0 ? { error: r.stderr.trim().split('\n').pop() ?? '' } : {}) }),
        (e: Error) => bus.publish({ kind: 'action', action_id: id, service: svc, action, phase: 'end', by, code: -1, error: e.message }),
      );
      return { id, service: svc, action };
    },
  };
}
