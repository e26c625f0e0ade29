import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliProcess } from './cli.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-cli-'));
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
  await mkdir(join(root, 'var/lib/capsule/web1'), { recursive: true });
  for (const f of ['web1.conf', 'db2.conf', 'node.conf', 'notes.txt']) await writeFile(join(root, 'etc/capsule', f), '[DEFAULT]\n');
  await writeFile(join(root, 'var/lib/capsule/web1/status.json'), JSON.stringify({ version: 1, svcname: 'web1', nodename: 'hv1', level: 'hypervisor', frozen: false, overall: 'up', avail: 'up', groups: {}, resources: {}, encap: {}, updated: new Date().toISOString() }));
});
afterAll(() => rm(root, { recursive: true, force: true }));

test.each(['svcmgr', 'nodemgr', 'svcmon'] as const)('%s --help exits 0 and prints usage', (p) => {
  const r = cli(p, ['--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`usage: ${p}`);
  expect(r.stderr).toBe('');
});

test('an unknown command exits 1 with one clear error on stderr', () => {
  const r = cli('svcmgr', ['-s', 'web1', 'strat']);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^error: svcmgr: unknown command "strat"\n  hint: .*--help/);
});

test('errors are JSON with --format json', () => {
  const r = cli('nodemgr', ['--format', 'json', 'frob']);
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'UsageError', message: 'nodemgr: unknown command "frob"' } });
});

test('nodemgr drivers lists the bundled lxc driver as usable on linux', () => {
  const r = cli('nodemgr', ['drivers', '--format', 'json'], { CAPSULE_ROOT: root });
  expect(r.code).toBe(0);
  const drivers = JSON.parse(r.stdout) as Array<{ name: string; provides: string[]; compatible: boolean }>;
  expect(drivers).toContainEqual(expect.objectContaining({ name: '@capsule/driver-lxc', provides: ['container.lxc'], compatible: true }));
});

test('nodemgr drivers also lists a third-party driver from the root driver directory', async () => {
  const dir = join(root, 'usr/lib/capsule/drivers');
  await mkdir(join(dir, 'node_modules/acme-driver-jail'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ dependencies: { 'acme-driver-jail': '1.0.0' } }));
  await writeFile(
    join(dir, 'node_modules/acme-driver-jail/package.json'),
    JSON.stringify({ name: 'acme-driver-jail', version: '1.0.0', type: 'module', capsule: { apiVersion: 2, provides: ['container.jail'], platforms: ['freebsd'] } }),
  );
  // Listing drivers must never import their code.
  const marker = join(root, 'imported');
  await writeFile(join(dir, 'node_modules/acme-driver-jail/index.js'), `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, '1');`);
  const r = cli('nodemgr', ['drivers'], { CAPSULE_ROOT: root });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/acme-driver-jail\s+1\.0\.0\s+container\.jail\s+freebsd\s+-\s+no: runs on freebsd, not linux/);
  expect(existsSync(marker)).toBe(false);
});

test('svcmgr ls lists the services of the root, not node.conf', () => {
  expect(cli('svcmgr', ['ls'], { CAPSULE_ROOT: root }).stdout).toBe('db2\nweb1\n');
});

test('svcmon shows cached status, undef when never computed', () => {
  const r = cli('svcmon', ['--format', 'json'], { CAPSULE_ROOT: root });
  expect(JSON.parse(r.stdout)).toEqual([
    { service: 'db2', node: 'hv1', overall: 'undef' },
    { service: 'web1', node: 'hv1', overall: 'up' },
  ]);
});

test('--version prints the CLI version', () => {
  expect(cli('svcmgr', ['--version']).stdout).toMatch(/^svcmgr \d+\.\d+\.\d+\n$/);
});

test('svcmon --watch into a pipe: one snapshot after the other, a blank line between, no terminal escapes', async () => {
  const { child, done } = cliProcess('svcmon', ['--watch', '--interval', '0.2'], { CAPSULE_ROOT: root });
  let out = '';
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('SERVICE').length > 3) resolve();
    });
  });
  child.kill('SIGINT');
  const r = await done;
  expect(r.code).toBe(0);
  expect(r.stdout).not.toContain('\x1b');
  const snapshot = '\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  every 0\\.2s\\n\\nSERVICE +NODE +OVERALL\\ndb2 +hv1 +undef\\nweb1 +hv1 +up\\n';
  expect(r.stdout).toMatch(new RegExp(`^${snapshot}(\\n${snapshot}){2,}$`));
});
