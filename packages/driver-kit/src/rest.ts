// A small JSON-over-HTTPS client for the API-driven drivers (vSphere,
// OpenStack, vCloud): HTTPS only, TLS verified against the system CAs or a
// configured CA, a timeout that bounds the whole request, a cap on the answer, and
// transport failures as named errors. No credentials are ever logged.
import { CapsuleError, ErrorCode } from '@capsule/core';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface RestClientOptions {
  /** `https://vcenter.example.com`; paths are appended to it. */
  baseUrl: string;
  /** PEM of the CA that signed the endpoint's certificate (default: the system's). */
  ca?: string;
  /** Skips certificate verification; only when a user sets it explicitly. */
  insecure?: boolean;
  timeoutMs?: number;
  /** Answers larger than this are refused (EndpointError). Default 8 MiB. */
  maxBytes?: number;
}

export interface RestRequest {
  headers?: Record<string, string>;
  /** Sent as JSON unless a string. */
  body?: unknown;
  signal?: AbortSignal;
}

export interface RestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The parsed JSON answer, or undefined when empty or not JSON. */
  json: unknown;
  text: string;
}

export interface RestClient {
  request(method: string, path: string, r?: RestRequest): Promise<RestResponse>;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL|ERR_TLS/i;

export function restClient(o: RestClientOptions): RestClient {
  const base = new URL(o.baseUrl);
  const timeoutMs = o.timeoutMs ?? 30_000;
  const maxBytes = o.maxBytes ?? 8 * 1024 * 1024;
  return {
    request: (method, path, r = {}) =>
      new Promise<RestResponse>((resolve, reject) => {
        const url = new URL(path.replace(/^\//, ''), base.href.endsWith('/') ? base.href : `${base.href}/`);
        // Every call carries credentials (a password, a token, a session): never over plain http, whatever the URL says.
        if (url.protocol !== 'https:') {
          return reject(
            new CapsuleError(ErrorCode.EndpointNotHttps, `${method} ${url.origin}${url.pathname}: plain ${url.protocol.replace(/:$/, '')} would send the credentials in clear: refused`, {
              hint: 'use an https:// URL (ca_file names the CA of a private endpoint)',
              details: { url: url.origin },
            }),
          );
        }
        const body = r.body === undefined ? undefined : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
        const headers: Record<string, string> = { accept: 'application/json', ...(body !== undefined && typeof r.body !== 'string' ? { 'content-type': 'application/json' } : {}), ...r.headers };
        if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
        const where = `${method} ${url.origin}${url.pathname}`;
        const req = httpsRequest(url, { method, headers, ca: o.ca, rejectUnauthorized: !o.insecure, ...(r.signal ? { signal: r.signal } : {}) }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBytes) {
              fail(new CapsuleError(ErrorCode.EndpointError, `${where}: the answer is larger than ${maxBytes} bytes`, { hint: 'check the endpoint URL' }));
              req.destroy();
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => {
            clearTimeout(timer);
            if (settled) return;
            settled = true;
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, json, text });
          });
          res.on('error', fail);
        });
        let settled = false;
        const timer = setTimeout(
          () => fail(new CapsuleError(ErrorCode.EndpointTimeout, `${where}: no answer within ${timeoutMs} ms`, { hint: 'check that the endpoint is up, or raise its timeout' })),
          timeoutMs,
        );
        timer.unref();
        function fail(e: Error & { code?: string }): void {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          if (e instanceof CapsuleError) {
            req.destroy();
            return reject(e);
          }
          if (TLS_CODES.test(e.code ?? '') || TLS_CODES.test(e.message)) {
            return reject(
              new CapsuleError(ErrorCode.EndpointTlsFailed, `${where}: TLS verification failed: ${e.message}`, {
                hint: "give the CA that signed the endpoint's certificate (ca_file in the driver's node.conf section)",
                details: { url: url.origin },
              }),
            );
          }
          reject(new CapsuleError(ErrorCode.EndpointUnreachable, `${where}: ${e.message}`, { hint: 'check the URL and that the endpoint answers from this node', details: { url: url.origin } }));
        }
        req.on('error', fail);
        req.end(body);
      }),
  };
}
