// The API's two doors: the Unix socket var/run/capsule/api.sock, root's
// alone (mode 0600: whoever connects is root, and admin), always; and
// HTTPS on [listener] address:port when set, clients known by the tokens
// file or their certificate. Both serve the same routes.
import type { ListenerConfig } from '@capsule/cluster';
import { chmod, readFile, rm } from 'node:fs/promises';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { Clients } from './clients.js';
import { apiListener, authenticator, type ApiOptions } from './server.js';

export interface ApiDoors {
  /** Where HTTPS listens, when it does (the port the system gave for port 0). */
  https?: { address: string; port: number };
  close(): Promise<void>;
}

async function listen(server: Server, ...args: [string] | [number, string]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(...(args as [number, string]), () => resolve());
  });
}

export async function openApiDoors(socket: string, listener: ListenerConfig | undefined, o: Omit<ApiOptions, 'authenticate'>): Promise<ApiDoors> {
  const servers: Server[] = [];
  const close = async () => {
    for (const s of servers) {
      s.closeAllConnections?.();
      await new Promise<void>((r) => s.close(() => r()));
    }
  };
  try {
    await rm(socket, { force: true });
    const local = createHttp(apiListener({ ...o, authenticate: () => ({ name: 'root', role: 'admin' }) }));
    servers.push(local);
    // Created under a umask that lets nobody else in, then made explicit: the socket's mode is its authentication.
    const umask = process.umask(0o177);
    try {
      await listen(local, socket);
    } finally {
      process.umask(umask);
    }
    await chmod(socket, 0o600);
    if (!listener?.address) return { close };
    const clients = Clients.parse(await readFile(listener.tokensFile!, 'utf8'), listener.tokensFile);
    const [cert, key, ca] = await Promise.all([readFile(listener.tlsCert!), readFile(listener.tlsKey!), listener.clientCa ? readFile(listener.clientCa) : undefined]);
    // A client certificate is asked for when client_ca is set, never required: a token does as well.
    const https = createHttps({ cert, key, minVersion: 'TLSv1.2', ...(ca ? { ca, requestCert: true, rejectUnauthorized: false } : {}) }, apiListener({ ...o, authenticate: authenticator(() => clients) }));
    servers.push(https);
    await listen(https, listener.port, listener.address);
    const a = https.address();
    return { https: { address: listener.address, port: typeof a === 'object' && a ? a.port : listener.port }, close };
  } catch (e) {
    await close();
    throw e;
  }
}
