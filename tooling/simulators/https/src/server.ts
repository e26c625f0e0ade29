// A JSON HTTPS server on 127.0.0.1 (an ephemeral port) that hands each
// request, body parsed, to the simulator's handler; the answer's body is
// sent as JSON. Errors in a handler are a 500, as a real server's would be.
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined. */
  body: unknown;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Handler = (req: SimRequest) => Promise<SimResponse> | SimResponse;

export interface JsonServer {
  /** `https://127.0.0.1:PORT` */
  url: string;
  /** How many requests came in, by `METHOD path`. */
  requests: string[];
  close(): Promise<void>;
}

export async function startJsonServer(o: { key: string; cert: string; handler: Handler }): Promise<JsonServer> {
  const requests: string[] = [];
  const server: Server = createServer({ key: o.key, cert: o.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      requests.push(`${req.method} ${url.pathname}`);
      Promise.resolve()
        .then(() => o.handler({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body }))
        .catch((e: unknown): SimResponse => ({ status: 500, body: { error: String(e) } }))
        .then((r) => {
          const payload = r.body === undefined ? '' : JSON.stringify(r.body);
          res.writeHead(r.status, { ...(payload ? { 'content-type': 'application/json' } : {}), ...r.headers });
          res.end(payload);
        });
    });
  });
  // A client's failed TLS handshake is the test's point, not a server error.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `Authorization: Basic ...` as [user, password], or undefined. */
export function basicAuth(headers: IncomingHttpHeaders): [string, string] | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? undefined : [text.slice(0, i), text.slice(i + 1)];
}
