// driver-kit against real commands, a real clock and a real TLS server.
import { systemClock, type ContainerContext, type Exec } from '@capsule/core';
import { localExec } from '@capsule/transport';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionFailed, endpointClient, RememberedAddress, TokenCache, lastLine, restClient, stopWithTimeout, tlsWarnings, tool, waitForGuest, writeFileAtomic } from '../src/index.js';

let dir: string;
const logs: string[] = [];
const log = { info: (m: string) => logs.push(`info: ${m}`), warn: (m: string) => logs.push(`warn: ${m}`), error: (m: string) => logs.push(`error: ${m}`) };
const ctx = (guest: Exec = localExec): ContainerContext => ({ exec: localExec, guest, log, clock: systemClock, signal: new AbortController().signal, dryRun: false, force: false });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capsule-kit-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test.each([
  ['', ''],
  ['one', 'one'],
  ['a\nb\n\n  \n', 'b'],
  ['error: x\r\n', 'error: x'],
])('lastLine(%j) = %j', (text, line) => expect(lastLine(text)).toBe(line));

test('a tool that is not installed is CommandNotFound with the install hint; a failing one is its exit code', async () => {
  await expect(tool(ctx(), 'container#1', ['capsule-no-such-tool', 'list'], { install: 'install xen-utils' })).rejects.toMatchObject({
    code: 'CommandNotFound',
    message: 'container#1: capsule-no-such-tool is not installed on this node',
    hint: 'install xen-utils, or fix PATH',
  });
  const r = await tool(ctx(), 'container#1', ['sh', '-c', 'echo "busy: try later" >&2; exit 3'], { install: '-' });
  expect(actionFailed('container#1', 'xl create vm1', r, 'see xl dmesg')).toMatchObject({
    code: 'ContainerActionFailed',
    message: 'container#1: xl create vm1 failed with exit 3: busy: try later',
  });
});

test('waitForGuest: returns once the guest answers, times out with the last error otherwise', async () => {
  const flag = join(dir, 'up');
  // The guest "boots" after 600 ms.
  setTimeout(() => void writeFileAtomic(flag, 'x'), 600);
  const t0 = Date.now();
  await waitForGuest(ctx((argv, o) => localExec(['test', '-e', flag], o)), { rid: 'container#1', name: 'vm1', timeoutS: 5, hint: 'h' });
  expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
  await expect(waitForGuest(ctx(() => localExec(['sh', '-c', 'echo connection refused >&2; exit 255'])), { rid: 'container#1', name: 'vm1', timeoutS: 1, hint: 'check sshd' })).rejects.toMatchObject({
    code: 'ContainerNotOperational',
    message: 'container#1: vm1 runs but does not answer after 1s: connection refused',
    hint: 'check sshd, or raise container#1.start_timeout',
  });
});

test('waitForGuest gives up at once on a host key it does not know', async () => {
  const { CapsuleError } = await import('@capsule/core');
  const t0 = Date.now();
  await expect(waitForGuest(ctx(() => Promise.reject(new CapsuleError('HostKeyUnknown', 'unknown key'))), { rid: 'c', name: 'vm1', timeoutS: 30, hint: 'h' })).rejects.toMatchObject({ code: 'HostKeyUnknown' });
  expect(Date.now() - t0).toBeLessThan(5000);
});

/** A clock whose sleeps pass at once: a timeout of seconds is so many polls, however slow the machine. */
function virtualClock(): ContainerContext['clock'] {
  let t = 0;
  return { now: () => t, sleep: async (ms) => void (t += ms) };
}

test('stopWithTimeout: clean when the guest goes down, forced with a warning when it does not', async () => {
  let checks = 0;
  let forced = 0;
  const o = { name: 'vm1', timeoutS: 1, force: async () => void forced++, intervalMs: 50 };
  logs.length = 0;
  // The guest is down at the third look, well within the 20 polls of its second.
  expect(await stopWithTimeout({ ...ctx(), clock: virtualClock() }, { ...o, isDown: async () => ++checks >= 3, graceful: async () => undefined })).toBe('clean');
  expect([checks, forced, logs]).toEqual([3, 0, []]);
  checks = 0;
  expect(await stopWithTimeout({ ...ctx(), clock: virtualClock() }, { ...o, isDown: async () => (++checks, false), graceful: async () => undefined })).toBe('forced');
  expect([checks, forced, logs]).toEqual([21, 1, ['warn: vm1 did not shut down within 1s: forcing it off']]);
});

test('writeFileAtomic: 20 parallel writers of one file leave one whole version and no temp file', async () => {
  const f = join(dir, 'sub/dom.xml');
  await Promise.all(Array.from({ length: 20 }, (_, i) => writeFileAtomic(f, `<domain>${i}</domain>`.repeat(1000))));
  expect(await readFile(f, 'utf8')).toMatch(/^(<domain>(\d+)<\/domain>)\1{999}$/);
  expect(await readdir(join(dir, 'sub'))).toEqual(['dom.xml']);
});

test('RememberedAddress: none at first, the last address reported after, kept when none is reported', async () => {
  const a = new RememberedAddress(join(dir, 'addr', 'vm1.address'));
  expect(a.get()).toBeUndefined();
  await a.set('198.51.100.7');
  await a.set(undefined);
  expect(new RememberedAddress(a.file).get()).toBe('198.51.100.7');
  await a.set('198.51.100.8');
  expect(a.get()).toBe('198.51.100.8');
});

test('TokenCache: one file per endpoint and user, mode 0600, unused near its expiry', async () => {
  const a = new TokenCache(join(dir, 'tokens'), 'https://vc1', 'admin');
  expect(new TokenCache(join(dir, 'tokens'), 'https://vc2', 'admin').file).not.toBe(a.file);
  expect(await a.get(1000)).toBeUndefined();
  await a.set('tok', 10_000, { compute: 'https://nova' });
  expect((await stat(a.file)).mode & 0o777).toBe(0o600);
  expect([await a.get(1000), await a.get(1000, 9000), await a.get(10_000)]).toEqual([{ token: 'tok', expiresAt: 10_000, data: { compute: 'https://nova' } }, undefined, undefined]);
  await a.clear();
  expect(await a.get(1000)).toBeUndefined();
});

describe('restClient', () => {
  let server: Server;
  let url: string;
  let ca: string;
  beforeAll(async () => {
    const key = join(dir, 'key.pem');
    const crt = join(dir, 'crt.pem');
    const r = await localExec(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    expect(r.stderr).not.toMatch(/error/i);
    ca = await readFile(crt, 'utf8');
    server = createServer({ key: await readFile(key), cert: ca }, (req, res) => {
      if (req.url === '/api/slow') return void setTimeout(() => res.end('{}'), 3000).unref();
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.writeHead(req.url === '/api/missing' ? 404 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, url: req.url, body, auth: req.headers['authorization'] ?? null }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as { port: number }).port}/api`;
  });
  afterAll(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));

  test('JSON both ways with the configured CA', async () => {
    const c = restClient({ baseUrl: url, ca });
    const r = await c.request('POST', '/session', { body: { a: 1 }, headers: { authorization: 'Basic eDp5' } });
    expect([r.status, r.json]).toEqual([200, { method: 'POST', url: '/api/session', body: '{"a":1}', auth: 'Basic eDp5' }]);
    expect((await c.request('GET', 'missing')).status).toBe(404);
  });

  test.each([
    ['a certificate no configured CA signed', () => restClient({ baseUrl: url }), '/x', 'EndpointTlsFailed'],
    ['an endpoint that does not answer in time', () => restClient({ baseUrl: url, ca, timeoutMs: 300 }), '/slow', 'EndpointTimeout'],
    ['a closed port', () => restClient({ baseUrl: 'https://127.0.0.1:1/api', ca }), '/x', 'EndpointUnreachable'],
    ['an answer over the cap', () => restClient({ baseUrl: url, ca, maxBytes: 10 }), '/x', 'EndpointError'],
  ])('%s is a named error', async (_, make, path, code) => {
    await expect(make().request('GET', path)).rejects.toMatchObject({ code });
  });

  test('endpointClient: url, ca_file and timeout from [driver.TYPE]; no url is MissingKeyword', async () => {
    const caFile = join(dir, 'crt.pem');
    const settings = (values: Record<string, string>) => ({ values, secret: () => Promise.reject(new Error('none')) });
    const c = await endpointClient(settings({ url, ca_file: caFile }), { rid: 'container#0', type: 'esx', example: 'https://VCENTER' });
    expect((await c.request('GET', '/x')).status).toBe(200);
    const slow = await endpointClient(settings({ url, ca_file: caFile, timeout: '1' }), { rid: 'container#0', type: 'esx', example: 'https://VCENTER' });
    await expect(slow.request('GET', '/slow')).rejects.toMatchObject({ code: 'EndpointTimeout', message: expect.stringContaining('1000 ms') });
    // No ca_file: the system CAs, which did not sign the test certificate.
    const system = await endpointClient(settings({ url }), { rid: 'container#0', type: 'esx', example: 'https://VCENTER' });
    await expect(system.request('GET', '/x')).rejects.toMatchObject({ code: 'EndpointTlsFailed' });
    const other = await endpointClient(settings({}), { rid: 'container#0', type: 'esx', baseUrl: url, example: 'https://VCENTER' });
    expect((await other.request('GET', '/x').catch((e: { code: string }) => e.code))).toBe('EndpointTlsFailed');
    await expect(endpointClient(settings({}), { rid: 'container#0', type: 'esx', example: 'https://VCENTER' })).rejects.toMatchObject({ code: 'MissingKeyword', hint: 'set url = https://VCENTER in [driver.esx] of node.conf' });
  });

  test('plain http is refused before anything is sent: the credentials would cross the network in clear', async () => {
    let asked = 0;
    const plain = createHttpServer((_req, res) => void (asked++, res.end('{}')));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const http = `http://127.0.0.1:${(plain.address() as { port: number }).port}/api`;
      await expect(restClient({ baseUrl: http }).request('POST', '/session', { headers: { authorization: 'Basic eDp5' } })).rejects.toMatchObject({
        code: 'EndpointNotHttps',
        message: `POST ${http}/session: plain http would send the credentials in clear: refused`,
        hint: 'use an https:// URL (ca_file names the CA of a private endpoint)',
      });
      // A path that is a whole URL does not get around it.
      await expect(restClient({ baseUrl: url, ca }).request('GET', `${http}/x`)).rejects.toMatchObject({ code: 'EndpointNotHttps' });
      const settings = { values: { url: http }, secret: () => Promise.reject(new Error('none')) };
      await expect((await endpointClient(settings, { rid: 'container#0', type: 'esx', example: 'https://VCENTER' })).request('GET', '/x')).rejects.toMatchObject({ code: 'EndpointNotHttps' });
      expect(asked).toBe(0);
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
  });
});

test.each([
  ['insecure = true', { insecure: 'true' }, ['warn: TLS verification is off for this endpoint ([driver.esx] insecure = true): anyone between this node and it can pose as it and take its credentials']],
  ['insecure = false', { insecure: 'false' }, []],
  ['no insecure', {}, []],
])('tlsWarnings: %s', (_, values, expected) => {
  expect(tlsWarnings({ values, secret: () => Promise.reject(new Error('none')) }, 'esx')).toEqual(expected);
});
