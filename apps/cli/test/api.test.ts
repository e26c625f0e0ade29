// The agent's HTTP API against a real agent: a one-node cluster on loopback
// with the API on the root-only Unix socket and on HTTPS (a self-signed
// certificate made here, a tokens file with an admin, a read-only client
// and a client-certificate entry). Schemas, roles, 401/400/403/404/405,
// events in order, and an action through the API leaving the audit trail a
// CLI action leaves, with who asked.
import { ActionAccepted, ClusterResponse, ConfigResponse, Event, LogResponse } from '@capsule/api';
import { killProcessesWithEnv, until } from '@capsule/testenv';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliProcess } from './cli.js';

const ADMIN = 'admin-token-0123456789abcdef';
const READER = 'reader-token-0123456789abcdef';
const T = 60_000;
let root: string;
let env: Record<string, string>;
let port: number;
let pki: { ca: Buffer; cert: Buffer; key: Buffer };

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): unknown;
}

function call(o: RequestOptions & { body?: unknown; unix?: boolean }): Promise<Reply> {
  const { body, unix, ...opts } = o;
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const done = (res: IncomingMessage) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: data, json: () => JSON.parse(data) as unknown }));
    };
    const req = unix
      ? httpRequest({ socketPath: join(root, 'var/run/capsule/api.sock'), ...opts }, done)
      : httpsRequest({ host: '127.0.0.1', port, ca: pki.ca, ...opts }, done);
    req.on('error', reject);
    req.end(text);
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Follows the event stream until `want` has seen what it waits for: `open` once the stream answered, `done` with the events read. */
function follow(token: string, want: (events: Event[]) => boolean): { open: Promise<void>; done: Promise<Event[]> } {
  let opened!: () => void;
  const open = new Promise<void>((r) => (opened = r));
  const done = new Promise<Event[]>((resolve, reject) => {
    const events: Event[] = [];
    const req = httpsRequest({ host: '127.0.0.1', port, ca: pki.ca, path: '/api/v1/events', headers: bearer(token) }, (res) => {
      opened();
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) events.push(Event.parse(JSON.parse(data.slice(6))));
        }
        if (want(events)) {
          req.destroy();
          resolve(events);
        }
      });
    });
    req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
    req.end();
  });
  return { open, done };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-api-'));
  const etc = join(root, 'etc/capsule');
  await mkdir(join(etc, 'web.d'), { recursive: true });
  // A CA for clients, the listener's own certificate (for 127.0.0.1), a client certificate with CN robot.
  const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: etc, stdio: 'pipe' });
  ssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=capsule-test-listener', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', 'listener.key', '-out', 'listener.pem']);
  ssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=capsule-test-clients', '-keyout', 'clients-ca.key', '-out', 'clients-ca.pem']);
  ssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=robot', '-keyout', 'robot.key', '-out', 'robot.csr']);
  ssl(['x509', '-req', '-in', 'robot.csr', '-CA', 'clients-ca.pem', '-CAkey', 'clients-ca.key', '-CAcreateserial', '-days', '2', '-out', 'robot.pem']);
  execFileSync('chmod', ['600', join(etc, 'listener.key')]);
  pki = { ca: await readFile(join(etc, 'listener.pem')), cert: await readFile(join(etc, 'robot.pem')), key: await readFile(join(etc, 'robot.key')) };
  await writeFile(join(etc, 'api-tokens'), `ops admin ${ADMIN}\ndash read ${READER}\nrobot admin cn:robot\n`, { mode: 0o600 });
  port = 21000 + ((process.pid + 11) % 9000);
  const hb = 30000 + ((process.pid + 11) % 9000);
  await writeFile(
    join(etc, 'node.conf'),
    `[cluster]\nname = solo\nnodes = hv1\nsecret = ${'s'.repeat(32)}\n\n[hb#1]\nport = ${hb}\naddr@hv1 = 127.0.0.1\n\n[listener]\naddress = 127.0.0.1\nport = ${port}\ntls_cert = ${etc}/listener.pem\ntls_key = ${etc}/listener.key\nclient_ca = ${etc}/clients-ca.pem\ntokens_file = ${etc}/api-tokens\n`,
    { mode: 0o600 },
  );
  await writeFile(join(etc, 'web.d/run'), `#!/bin/sh\ncase "$1" in start) touch ${root}/up ;; stop) rm -f ${root}/up ;; status) [ -e ${root}/up ] ;; esac\n`, { mode: 0o755 });
  await writeFile(join(etc, 'web.conf'), '[DEFAULT]\nnodes = hv1\norchestrate = ha\n\n[app#0]\nscript = run\n\n[env]\ndb_password = hunter2-not-for-readers\n');
  env = { CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1' };
  expect(cli('nodemgr', ['daemon', 'start'], env)).toMatchObject({ code: 0 });
  await until('the agent starts web', () => existsSync(join(root, 'up')), T);
  await until('the API answers', () => call({ path: '/api/v1/cluster', headers: bearer(READER) }).then((r) => r.status === 200, () => false), T);
}, T);

afterAll(async () => {
  cli('nodemgr', ['daemon', 'stop'], env);
  await killProcessesWithEnv('CAPSULE_ROOT', root);
  await rm(root, { recursive: true, force: true });
}, T);

test('unauthenticated: 401 and no data, whatever the route; a wrong token is no token', async () => {
  for (const path of ['/api/v1/cluster', '/api/v1/services/web/config', '/api/v1/nope', '/api/v1/events']) {
    const r = await call({ path });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="capsule"');
    expect(r.json()).toEqual({ error: { code: 'Unauthenticated', message: 'no valid credentials', hint: expect.stringContaining('tokens_file') } });
  }
  expect((await call({ path: '/api/v1/cluster', headers: bearer(`${ADMIN}x`) })).status).toBe(401);
});

test('GET /api/v1/cluster: the schema, this node in quorum, web placed here', async () => {
  const c = ClusterResponse.parse((await call({ path: '/api/v1/cluster', headers: bearer(READER) })).json());
  expect(c).toMatchObject({ node: 'hv1', cluster: 'solo', backend: 'hb', quorum: { quorum: true }, nodes: [{ name: 'hv1', alive: true, frozen: false }] });
  expect(c.services['web']).toMatchObject({ topology: 'failover', orchestrate: 'ha', placement: ['hv1'], instances: { hv1: { avail: 'up' } } });
});

test('the Unix socket serves the same routes, root being admin there', async () => {
  const c = ClusterResponse.parse((await call({ unix: true, path: '/api/v1/cluster' })).json());
  expect(c.node).toBe('hv1');
  const { mode } = await import('node:fs').then((fs) => fs.statSync(join(root, 'var/run/capsule/api.sock')));
  expect(mode & 0o777).toBe(0o600);
});

test('status, config (secrets masked for the read role) and log', async () => {
  const status = (await call({ path: '/api/v1/services/web/status', headers: bearer(READER) })).json() as { avail: string; resources: Record<string, unknown> };
  expect(status.avail).toBe('up');
  expect(Object.keys(status.resources)).toContain('app#0');
  const masked = ConfigResponse.parse((await call({ path: '/api/v1/services/web/config', headers: bearer(READER) })).json());
  expect(masked.text).toContain('db_password = ********');
  expect(masked.text).not.toContain('hunter2');
  const clear = ConfigResponse.parse((await call({ path: '/api/v1/services/web/config', headers: bearer(ADMIN) })).json());
  expect(clear.text).toContain('db_password = hunter2-not-for-readers');
  const log = LogResponse.parse((await call({ path: '/api/v1/services/web/log?lines=5', headers: bearer(READER) })).json());
  expect(log.lines.length).toBeGreaterThan(0);
  expect(log.lines.length).toBeLessThanOrEqual(5);
});

test.each([
  ['an unknown service', 'GET', '/api/v1/services/nope/status', READER, undefined, 404, 'ServiceNotFound'],
  ['an unknown route', 'GET', '/api/v1/nodes', READER, undefined, 404, 'NotFound'],
  ['a wrong method', 'DELETE', '/api/v1/cluster', READER, undefined, 405, 'MethodNotAllowed'],
  ['an action with the read role', 'POST', '/api/v1/services/web/actions/stop', READER, {}, 403, 'Forbidden'],
  ['an unknown action', 'POST', '/api/v1/services/web/actions/explode', ADMIN, {}, 404, 'NotFound'],
  ['a body that is no JSON', 'POST', '/api/v1/services/web/actions/freeze', ADMIN, '{to:', 400, 'MalformedBody'],
  ['an unknown body field', 'POST', '/api/v1/services/web/actions/freeze', ADMIN, { force: true }, 400, 'MalformedBody'],
  ['switch without a destination', 'POST', '/api/v1/services/web/actions/switch', ADMIN, {}, 400, 'MalformedBody'],
  ['a bad lines parameter', 'GET', '/api/v1/services/web/log?lines=-3', READER, undefined, 400, 'BadParameter'],
])('%s: %s %s is %d %s', async (_, method, path, token, body, status, code) => {
  const r = await call({ method, path, headers: { ...bearer(token), 'content-type': 'application/json' }, body });
  expect(r.status).toBe(status);
  expect(r.json()).toMatchObject({ error: { code, message: expect.any(String) } });
});

test('the OpenAPI document names every route', async () => {
  const doc = (await call({ path: '/api/v1/openapi.json', headers: bearer(READER) })).json() as { openapi: string; paths: Record<string, unknown> };
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/cluster', '/api/v1/events', '/api/v1/services/{svc}/actions/{action}']));
});

test('an action through the API: 202 with its id, begun and ended as events in order, web stopped, the audit log naming who asked', async () => {
  let id = '';
  const seen = follow(READER, (events) => events.some((e) => e.kind === 'action' && e.action_id === id && e.phase === 'end') && events.some((e) => e.kind === 'status' && e.service === 'web' && e.avail === 'down'));
  await seen.open;
  const r = await call({ method: 'POST', path: '/api/v1/services/web/actions/stop', headers: bearer(ADMIN) });
  expect(r.status).toBe(202);
  const accepted = ActionAccepted.parse(r.json());
  id = accepted.id;
  expect(accepted).toMatchObject({ service: 'web', action: 'stop' });
  const events = await seen.done;
  const mine = events.filter((e) => e.kind === 'action' && e.action_id === id);
  expect(mine.map((e) => (e.kind === 'action' ? [e.phase, e.by, e.code] : []))).toEqual([
    ['begin', 'api: ops (admin)', undefined],
    ['end', 'api: ops (admin)', 0],
  ]);
  // Ids only grow: the stream is in order.
  expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
  expect(existsSync(join(root, 'up'))).toBe(false);
  expect(await readFile(join(root, 'var/log/capsule/audit.log'), 'utf8')).toMatch(/svcmgr -s web stop: exit 0 .*from api: ops \(admin\)/);
}, T);

test('a client certificate signed by client_ca is known by its common name (robot: admin)', async () => {
  const r = await call({ method: 'POST', path: '/api/v1/services/web/actions/start', cert: pki.cert, key: pki.key });
  expect(r.status).toBe(202);
  await until('web up again', () => existsSync(join(root, 'up')), T);
  expect(await readFile(join(root, 'var/log/capsule/audit.log'), 'utf8')).toMatch(/svcmgr -s web start: exit 0 .*from api: robot \(admin\)/);
}, T);

/** nodemgr running on, its output read as it comes. */
function live(args: string[]) {
  const p = cliProcess('nodemgr', args, env);
  const out = { stdout: '', stderr: '' };
  p.child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  p.child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  return { ...p, out };
}

test('nodemgr events follows the stream: a freeze through the API shows as lines, and --format json as events', async () => {
  const text = live(['events']);
  const json = live(['events', '--format', 'json']);
  try {
    await until('both following', () => text.out.stderr.includes('following') && json.out.stderr.includes('following'), T);
    const r = await call({ method: 'POST', path: '/api/v1/services/web/actions/freeze', headers: bearer(ADMIN) });
    const { id } = ActionAccepted.parse(r.json());
    await until('the freeze ended in both', () => text.out.stdout.includes(`ended, exit 0 (${id}, api: ops (admin))`) && json.out.stdout.includes(`"action_id":"${id}","service":"web","action":"freeze","phase":"end"`), T);
    expect(text.out.stdout).toMatch(new RegExp(`^\\S+ action +freeze web begun \\(${id}, api: ops \\(admin\\)\\)$`, 'm'));
    for (const line of json.out.stdout.trim().split('\n')) Event.parse(JSON.parse(line));
  } finally {
    text.child.kill('SIGINT');
    json.child.kill('SIGINT');
  }
  expect((await text.done).code).toBe(0);
  expect((await json.done).code).toBe(0);
  await call({ method: 'POST', path: '/api/v1/services/web/actions/thaw', headers: bearer(ADMIN) });
}, T);
