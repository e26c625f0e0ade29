// The simulators' own tests call them with this: plain node:https, the
// test CA, JSON both ways. (Drivers use driver-kit's restClient instead.)
import { request } from 'node:https';

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export function call(base: string, ca: string, method: string, path: string, o: { headers?: Record<string, string>; body?: unknown } = {}): Promise<CallResult> {
  return new Promise((resolve, reject) => {
    const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = request(new URL(path, base), { method, ca, headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json' } : {}), ...o.headers } }, (res) => {
      let t = '';
      res.on('data', (c: Buffer) => (t += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: t ? (JSON.parse(t) as unknown) : undefined }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
