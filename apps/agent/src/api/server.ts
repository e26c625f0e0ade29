// The agent's HTTP API: one request listener for the root-only Unix socket
// (root is admin there) and the HTTPS listener ([listener]), the same
// routes on both (@capsule/api's table). Authentication comes before
// anything is read: a bearer token or a verified client certificate from
// the tokens file; without one, 401 and no data.
import { ActionRequest, ACTIONS, matchRoute, openApiDocument, sseFrame, type Action, type ActionAccepted, type ClusterResponse, type ConfigResponse, type LogResponse, type Role } from '@capsule/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { EventBus } from './bus.js';
import type { Client, Clients } from './clients.js';

/** A request the handlers refuse: its HTTP status, a code and a hint. */
export class ApiRefusal extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 500,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface ApiHandlers {
  cluster(): ClusterResponse;
  /** The service's `json status`; ApiRefusal 404 for a service this node does not have. */
  status(svc: string): Promise<unknown>;
  config(svc: string, reveal: boolean): Promise<ConfigResponse>;
  log(svc: string, lines: number): Promise<LogResponse>;
  /** Starts the action and returns at once; its progress comes as events. */
  action(svc: string, action: Action, to: string | undefined, client: Client): ActionAccepted;
  /** The web page's files by path (`/`, `/app.js`), when built. */
  page?(path: string): { type: string; body: Buffer | string } | undefined;
}

export interface ApiOptions {
  handlers: ApiHandlers;
  bus: EventBus;
  version: string;
  /** Who the caller is, from its credentials; undefined: unauthenticated. */
  authenticate(req: IncomingMessage): Client | undefined;
  log(line: string): void;
}

const ROLE_RANK: Record<Role, number> = { read: 0, admin: 1 };
const MAX_BODY = 64 * 1024;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

function refuse(res: ServerResponse, r: ApiRefusal, headers: Record<string, string> = {}): void {
  send(res, r.status, { error: { code: r.code, message: r.message, ...(r.hint ? { hint: r.hint } : {}) } }, headers);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new ApiRefusal(413, 'BodyTooLarge', `the request body exceeds ${MAX_BODY} bytes`);
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiRefusal(400, 'MalformedBody', 'the request body is not JSON', 'send a JSON object, e.g. {"to": "hv2"}');
  }
}

/** Bearer token first, else the verified client certificate's common name. */
export function authenticator(clients: () => Clients): (req: IncomingMessage) => Client | undefined {
  return (req) => {
    const byToken = clients().byToken(req.headers.authorization);
    if (byToken) return byToken;
    const sock = req.socket as TLSSocket;
    if (!sock.encrypted || !sock.authorized) return undefined;
    const cn = sock.getPeerCertificate()?.subject?.CN;
    return clients().byCertificate(Array.isArray(cn) ? cn[0] : cn);
  };
}

export function apiListener(o: ApiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void serve(o, req, res).catch((e: unknown) => {
      if (e instanceof ApiRefusal) return refuse(res, e);
      o.log(`api: ${req.method} ${req.url}: ${(e as Error).message}`);
      if (!res.headersSent) refuse(res, new ApiRefusal(500, 'InternalError', (e as Error).message, 'the agent log has the details'));
      else res.end();
    });
  };
}

async function serve(o: ApiOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://agent');
  const method = req.method ?? 'GET';
  // The page is static and holds no data: it asks for a token and calls the API with it.
  if (method === 'GET' && !url.pathname.startsWith('/api/')) {
    const f = o.handlers.page?.(url.pathname === '/' ? '/index.html' : url.pathname);
    if (!f) return refuse(res, new ApiRefusal(404, 'NotFound', `${url.pathname}: no such page`));
    res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'" });
    return void res.end(f.body);
  }
  const client = o.authenticate(req);
  if (!client) return refuse(res, new ApiRefusal(401, 'Unauthenticated', 'no valid credentials', 'send Authorization: Bearer TOKEN with a token of the node\'s tokens_file, or a client certificate signed by client_ca'), { 'www-authenticate': 'Bearer realm="capsule"' });
  const m = matchRoute(method, url.pathname);
  if (!m) return refuse(res, new ApiRefusal(404, 'NotFound', `${url.pathname}: no such route`, 'GET /api/v1/openapi.json lists them'));
  if ('allow' in m) return refuse(res, new ApiRefusal(405, 'MethodNotAllowed', `${method} ${url.pathname}: allowed: ${m.allow.join(', ')}`), { allow: m.allow.join(', ') });
  if (ROLE_RANK[client.role] < ROLE_RANK[m.route.role]) return refuse(res, new ApiRefusal(403, 'Forbidden', `${client.name} has the ${client.role} role; ${m.route.id} needs ${m.route.role}`));
  const svc = m.params['svc'] ?? '';
  switch (m.route.id) {
    case 'getCluster':
      return send(res, 200, o.handlers.cluster());
    case 'getServiceStatus':
      return send(res, 200, await o.handlers.status(svc));
    case 'getServiceConfig':
      return send(res, 200, await o.handlers.config(svc, client.role === 'admin'));
    case 'getServiceLog': {
      const n = Number(url.searchParams.get('lines') ?? 200);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new ApiRefusal(400, 'BadParameter', `lines=${url.searchParams.get('lines')}: expected a whole number from 1 to 10000`);
      return send(res, 200, await o.handlers.log(svc, n));
    }
    case 'getOpenApi':
      return send(res, 200, openApiDocument(o.version));
    case 'postAction': {
      const action = m.params['action'] as Action;
      if (!(ACTIONS as readonly string[]).includes(action)) throw new ApiRefusal(404, 'NotFound', `${action}: no such action`, `one of ${ACTIONS.join(', ')}`);
      const body = ActionRequest.safeParse(await readBody(req));
      if (!body.success) throw new ApiRefusal(400, 'MalformedBody', body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
      if (action === 'switch' && !body.data.to) throw new ApiRefusal(400, 'MalformedBody', 'switch needs {"to": NODE}');
      if (action !== 'switch' && body.data.to) throw new ApiRefusal(400, 'MalformedBody', `${action} takes no "to"`);
      return send(res, 202, o.handlers.action(svc, action, body.data.to, client));
    }
    case 'getEvents':
      return events(o, req, res, url);
  }
}

function events(o: ApiOptions, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const last = Number(req.headers['last-event-id'] ?? url.searchParams.get('last_event_id') ?? NaN);
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write('retry: 2000\n\n');
  const off = o.bus.subscribe((e) => res.write(sseFrame(e)), Number.isInteger(last) ? last : undefined);
  // A comment now and then: proxies and the client's own timeouts see a live stream.
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  const end = () => {
    clearInterval(ping);
    off();
  };
  req.on('close', end);
  res.on('error', end);
}
