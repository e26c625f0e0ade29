// A one-node cluster on loopback with the agent's API on its Unix socket
// and on HTTPS: a self-signed listener certificate for 127.0.0.1, a client
// CA with a client certificate (CN robot), a tokens file with an admin
// (ops), a read-only client (dash) and robot (admin by certificate), and
// the ha service web (an app touching a file) started by the agent.
import { killProcessesWithEnv, until } from '@capsule/testenv';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cli.js';

export const ADMIN = 'admin-token-0123456789abcdef';
export const READER = 'reader-token-0123456789abcdef';
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): unknown;
}

export class ApiNode {
  private constructor(
    readonly root: string,
    readonly port: number,
    readonly pki: { ca: Buffer; cert: Buffer; key: Buffer },
  ) {}

  get env(): Record<string, string> {
    return { CAPSULE_ROOT: this.root, CAPSULE_NODENAME: 'hv1' };
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** `seed`: spreads the ports of tests running at once. */
  static async start(seed: number, timeoutMs: number): Promise<ApiNode> {
    const root = await mkdtemp(join(tmpdir(), 'capsule-api-'));
    const etc = join(root, 'etc/capsule');
    await mkdir(join(etc, 'web.d'), { recursive: true });
    const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: etc, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    ssl(['req', '-x509', ...ec, '-days', '2', '-subj', '/CN=capsule-test-listener', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', 'listener.key', '-out', 'listener.pem']);
    ssl(['req', '-x509', ...ec, '-days', '2', '-subj', '/CN=capsule-test-clients', '-keyout', 'clients-ca.key', '-out', 'clients-ca.pem']);
    ssl(['req', ...ec, '-subj', '/CN=robot', '-keyout', 'robot.key', '-out', 'robot.csr']);
    ssl(['x509', '-req', '-in', 'robot.csr', '-CA', 'clients-ca.pem', '-CAkey', 'clients-ca.key', '-CAcreateserial', '-days', '2', '-out', 'robot.pem']);
    execFileSync('chmod', ['600', join(etc, 'listener.key')]);
    const pki = { ca: await readFile(join(etc, 'listener.pem')), cert: await readFile(join(etc, 'robot.pem')), key: await readFile(join(etc, 'robot.key')) };
    await writeFile(join(etc, 'api-tokens'), `ops admin ${ADMIN}\ndash read ${READER}\nrobot admin cn:robot\n`, { mode: 0o600 });
    const port = 21000 + ((process.pid + seed) % 9000);
    const hb = 30000 + ((process.pid + seed) % 9000);
    await writeFile(
      join(etc, 'node.conf'),
      `[cluster]\nname = solo\nnodes = hv1\nsecret = ${'s'.repeat(32)}\n\n[hb#1]\nport = ${hb}\naddr@hv1 = 127.0.0.1\n\n[listener]\naddress = 127.0.0.1\nport = ${port}\ntls_cert = ${etc}/listener.pem\ntls_key = ${etc}/listener.key\nclient_ca = ${etc}/clients-ca.pem\ntokens_file = ${etc}/api-tokens\n`,
      { mode: 0o600 },
    );
    await writeFile(join(etc, 'web.d/run'), `#!/bin/sh\ncase "$1" in start) touch ${root}/up ;; stop) rm -f ${root}/up ;; status) [ -e ${root}/up ] ;; esac\n`, { mode: 0o755 });
    await writeFile(join(etc, 'web.conf'), '[DEFAULT]\nnodes = hv1\norchestrate = ha\n\n[app#0]\nscript = run\n\n[env]\ndb_password = hunter2-not-for-readers\n');
    const n = new ApiNode(root, port, pki);
    const r = cli('nodemgr', ['daemon', 'start'], n.env);
    if (r.code !== 0) throw new Error(`nodemgr daemon start: ${r.stderr}`);
    await until('the agent starts web', () => existsSync(join(root, 'up')), timeoutMs);
    await until('the API answers', () => n.call({ path: '/api/v1/cluster', headers: bearer(READER) }).then((x) => x.status === 200, () => false), timeoutMs);
    return n;
  }

  get webUp(): boolean {
    return existsSync(join(this.root, 'up'));
  }

  call(o: RequestOptions & { body?: unknown; unix?: boolean }): Promise<Reply> {
    const { body, unix, ...opts } = o;
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const done = (res: IncomingMessage) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: data, json: () => JSON.parse(data) as unknown }));
      };
      const req = unix ? httpRequest({ socketPath: join(this.root, 'var/run/capsule/api.sock'), ...opts }, done) : httpsRequest({ host: '127.0.0.1', port: this.port, ca: this.pki.ca, ...opts }, done);
      req.on('error', reject);
      req.end(text);
    });
  }

  async stop(): Promise<void> {
    cli('nodemgr', ['daemon', 'stop'], this.env);
    await killProcessesWithEnv('CAPSULE_ROOT', this.root);
    await rm(this.root, { recursive: true, force: true });
  }
}
