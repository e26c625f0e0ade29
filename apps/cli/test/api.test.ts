// The agent's HTTP API against a real agent (api-node.ts: one node, the API
// on its Unix socket and on HTTPS, an admin, a read-only client and a
// client certificate). Schemas, roles, 401/400/403/404/405,
// events in order, and an action through the API leaving the audit trail a
// CLI action leaves, with who asked.
import { ActionAccepted, ClusterResponse, ConfigResponse, Event, LogResponse, sseReader } from '@capsule/api';
import { until } from '@capsule/testenv';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { ADMIN, ApiNode, bearer, READER } from './api-node.js';
import { cliProcess } from './cli.js';

const T = 60_000;
let node: ApiNode;
const call = (o: Parameters<ApiNode['call']>[0]) => node.call(o);

/** Follows the event stream until `want` has seen what it waits for: `open` once the stream answered, `done` with the events read. */
function follow(token: string, want: (events: Event[]) => boolean): { open: Promise<void>; done: Promise<Event[]> } {
  let opened!: () => void;
  const open = new Promise<void>((r) => (opened = r));
  const done = new Promise<Event[]>((resolve, reject) => {
    const events: Event[] = [];
    const req = httpsRequest({ host: '127.0.0.1', port: node.port, ca: node.pki.ca, path: '/api/v1/events', headers: bearer(token) }, (res) => {
      opened();
      res.setEncoding('utf8');
      const read = sseReader((json) => events.push(Event.parse(JSON.parse(json))));
      res.on('data', (d: string) => {
        read(d);
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
  node = await ApiNode.start(11, T);
}, T);

afterAll(() => node?.stop(), T);

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
  // The app is up before the agent's start of it has ended: its instance reads starting until then.
  const c = await until('web up in the cluster view', async () => {
    const x = ClusterResponse.parse((await call({ path: '/api/v1/cluster', headers: bearer(READER) })).json());
    return x.services['web']?.instances['hv1']?.avail === 'up' ? x : undefined;
  }, T);
  expect(c).toMatchObject({ node: 'hv1', cluster: 'solo', backend: 'hb', quorum: { quorum: true }, nodes: [{ name: 'hv1', alive: true, frozen: false }] });
  expect(c.services['web']).toMatchObject({ topology: 'failover', orchestrate: 'ha', placement: ['hv1'], instances: { hv1: { avail: 'up' } } });
});

test('the Unix socket serves the same routes, root being admin there', async () => {
  const c = ClusterResponse.parse((await call({ unix: true, path: '/api/v1/cluster' })).json());
  expect(c.node).toBe('hv1');
  const { mode } = statSync(join(node.root, 'var/run/capsule/api.sock'));
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
  expect(node.webUp).toBe(false);
  expect(await readFile(join(node.root, 'var/log/capsule/audit.log'), 'utf8')).toMatch(/svcmgr -s web stop: exit 0 .*from api: ops \(admin\)/);
}, T);

test('a client certificate signed by client_ca is known by its common name (robot: admin)', async () => {
  const r = await call({ method: 'POST', path: '/api/v1/services/web/actions/start', cert: node.pki.cert, key: node.pki.key });
  expect(r.status).toBe(202);
  // The app is up before svcmgr has written its end line: the line is waited for.
  await until('the start ended in the audit log', async () => /svcmgr -s web start: exit 0 .*from api: robot \(admin\)/.test(await readFile(join(node.root, 'var/log/capsule/audit.log'), 'utf8')), T);
  expect(node.webUp).toBe(true);
}, T);

/** nodemgr running on, its output read as it comes. */
function live(args: string[]) {
  const p = cliProcess('nodemgr', args, node.env);
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

test('svcmon --watch redraws on the agent\'s events: with a one-minute interval, a freeze shows in the next snapshot', async () => {
  const w = cliProcess('svcmon', ['--watch', '--interval', '60'], node.env);
  let out = '';
  w.child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await until('the first snapshot', () => out.includes('on changes') && /web +hv1 +up/.test(out), T);
    const r = await call({ method: 'POST', path: '/api/v1/services/web/actions/freeze', headers: bearer(ADMIN) });
    expect(r.status).toBe(202);
    await until('a snapshot showing web frozen', () => /web +hv1 +up +\S+ +\S+ +frozen/.test(out), T);
  } finally {
    w.child.kill('SIGINT');
  }
  expect((await w.done).code).toBe(0);
  await call({ method: 'POST', path: '/api/v1/services/web/actions/thaw', headers: bearer(ADMIN) });
}, T);
