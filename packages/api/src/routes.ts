// The API's routes: method, path, who may call it, and what it takes and
// gives. The agent serves exactly these; the OpenAPI document is generated
// from them, so the two cannot drift.
import type { z } from 'zod';
import { Event } from './events.js';
import { ActionAccepted, ActionRequest, ApiError, ClusterResponse, ConfigResponse, LogResponse, StatusResponse } from './schemas.js';

/** read: every authenticated client; admin: tokens or certificates given the admin role (and root on the Unix socket). */
export type Role = 'read' | 'admin';

export interface Route {
  id: string;
  method: 'GET' | 'POST';
  /** With `{name}` parameters. */
  path: string;
  role: Role;
  summary: string;
  body?: z.ZodType;
  /** The success response: JSON, or an event stream (`text/event-stream`) of `Event`. */
  response: z.ZodType;
  status: 200 | 202;
  stream?: boolean;
}

export const ROUTES: readonly Route[] = [
  { id: 'getCluster', method: 'GET', path: '/api/v1/cluster', role: 'read', summary: 'Nodes, membership, quorum, services with their instances, targets and placement, as this node sees them', response: ClusterResponse, status: 200 },
  { id: 'getServiceStatus', method: 'GET', path: '/api/v1/services/{svc}/status', role: 'read', summary: 'The service status on this node (json status v1), the encapsulated status folded under each container', response: StatusResponse, status: 200 },
  { id: 'getServiceConfig', method: 'GET', path: '/api/v1/services/{svc}/config', role: 'read', summary: 'The service file; secret values masked unless the caller is admin', response: ConfigResponse, status: 200 },
  { id: 'getServiceLog', method: 'GET', path: '/api/v1/services/{svc}/log', role: 'read', summary: 'The newest lines of the service log (`?lines=N`, default 200)', response: LogResponse, status: 200 },
  { id: 'getEvents', method: 'GET', path: '/api/v1/events', role: 'read', summary: 'Server-sent events: status changes, nodes lost and back, quorum, orchestration decisions, actions, config changes (Last-Event-ID resumes)', response: Event, status: 200, stream: true },
  { id: 'postAction', method: 'POST', path: '/api/v1/services/{svc}/actions/{action}', role: 'admin', summary: 'Runs start, stop, switch (body {"to": NODE}), freeze or thaw, as svcmgr would on this node; returns at once with the action id, its end comes as an event', body: ActionRequest, response: ActionAccepted, status: 202 },
  { id: 'getOpenApi', method: 'GET', path: '/api/v1/openapi.json', role: 'read', summary: 'This document', response: ApiError, status: 200 },
];

export interface Match {
  route: Route;
  params: Record<string, string>;
}

/** The route a request names, with its path parameters; `undefined` when none (404), or the methods it allows (405). */
export function matchRoute(method: string, pathname: string): Match | { allow: string[] } | undefined {
  const allow: string[] = [];
  for (const route of ROUTES) {
    const names: string[] = [];
    const re = new RegExp(`^${route.path.replace(/\{(\w+)\}/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`);
    const m = re.exec(pathname);
    if (!m) continue;
    if (route.method !== method) {
      allow.push(route.method);
      continue;
    }
    let params: Record<string, string>;
    try {
      params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
    } catch {
      return undefined;
    }
    return { route, params };
  }
  return allow.length ? { allow } : undefined;
}
