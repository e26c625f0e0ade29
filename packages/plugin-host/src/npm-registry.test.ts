import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkTransport, downloadPackage, parseSpec, pickVersion } from './npm-registry.js';

test.each([
  ['acme-driver', { name: 'acme-driver' }],
  ['acme-driver@1.2.0', { name: 'acme-driver', wanted: '1.2.0' }],
  ['acme-driver@^1', { name: 'acme-driver', wanted: '^1' }],
  ['@acme/driver', { name: '@acme/driver' }],
  ['@acme/driver@next', { name: '@acme/driver', wanted: 'next' }],
  ['../etc', undefined],
  ['Acme', undefined],
  ['@acme', undefined],
])('%s reads as %j', (spec, expected) => expect(parseSpec(spec)).toEqual(expected));

test.each<[string | undefined, string | undefined]>([
  [undefined, '1.1.0'],
  ['next', '2.0.0-rc.1'],
  ['1.0.0', '1.0.0'],
  ['^1.0.0', '1.2.0'],
  ['~1.0.0', '1.0.1'],
  ['3', undefined],
])('from the registry, %s picks %s', (wanted, expected) => {
  const dist = { tarball: 'http://x/t.tgz', integrity: 'sha512-x' };
  const p = { 'dist-tags': { latest: '1.1.0', next: '2.0.0-rc.1' }, versions: Object.fromEntries(['1.0.0', '1.0.1', '1.1.0', '1.2.0', '2.0.0-rc.1'].map((v) => [v, { dist }])) };
  if (expected) expect(pickVersion(p, 'acme', wanted, 'http://r')).toBe(expected);
  else expect(() => pickVersion(p, 'acme', wanted, 'http://r')).toThrow(expect.objectContaining({ code: 'DriverVersionNotFound', message: 'acme@3 is not published on http://r' }));
});

describe('downloads', () => {
  let server: Server;
  let base: string;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  beforeEach(async () => {
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  const packument = (tarball: string) => JSON.stringify({ versions: { '1.0.0': { dist: { tarball, integrity: 'sha512-x' } } } });

  test('a body that never ends is cut at the limit, not buffered until the timeout', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const more = () => {
        while (res.write(chunk));
        res.once('drain', more);
      };
      res.on('error', () => undefined);
      more();
    };
    await expect(downloadPackage(base, 'acme', undefined, { maxBytes: 1024 * 1024 })).rejects.toMatchObject({ code: 'DriverRegistryFailed', message: expect.stringContaining('more than 1 MiB') });
  }, 10_000);

  test.each([
    ['an http registry elsewhere', 'http://registry.example', undefined, /cannot get http:\/\/registry\.example\/acme: a driver is downloaded over https only/],
    ['an http tarball elsewhere', undefined, 'http://cdn.example/acme-1.0.0.tgz', /cannot get http:\/\/cdn\.example\/acme-1\.0\.0\.tgz: a driver is downloaded over https only/],
    ['a redirect to http elsewhere', undefined, '/redirect', /cannot get http:\/\/cdn\.example\/t\.tgz: a driver is downloaded over https only/],
  ])('%s is refused before anything is asked of it', async (_what, registry, tarball, message) => {
    handler = (req, res) => {
      if (req.url === '/redirect') res.writeHead(302, { location: 'http://cdn.example/t.tgz' }).end();
      else res.writeHead(200).end(packument(tarball?.startsWith('/') ? `${base}${tarball}` : (tarball ?? '')));
    };
    await expect(downloadPackage(registry ?? base, 'acme', undefined)).rejects.toMatchObject({ code: 'DriverRegistryFailed', message: expect.stringMatching(message) });
  });

  test.each(['https://registry.npmjs.org/x', 'http://127.0.0.1:4873/x', 'http://[::1]:4873/x', 'http://localhost/x'])('%s is an allowed transport', (url) => {
    expect(() => checkTransport(url)).not.toThrow();
  });
});
