// Robustness of the CLI as a user meets it: closed pipes, JSON output, bad
// input files, typos in selections, foreign nodes, stale caches, broken drivers.
import { spawnSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliEntry } from './cli.js';

let root: string;
const env = (extra: Record<string, string> = {}) => ({ CAPSULE_ROOT: root, ...extra });
const svcmgr = (...args: string[]) => cli('svcmgr', ['-s', 'web1', ...args], env());

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-rob-'));
  await mkdir(join(root, 'etc/capsule/web1.d'), { recursive: true });
  await writeFile(join(root, 'etc/capsule/web1.d/app'), `#!/bin/sh\ncase "$1" in start) touch ${root}/up ;; stop) rm -f ${root}/up ;; status) [ -e ${root}/up ] ;; esac\n`, { mode: 0o755 });
  await writeFile(join(root, 'etc/capsule/web1.conf'), '[DEFAULT]\nnodes = hv1\n\n[app#1]\nscript = app\ntags = db\n');
});
afterEach(() => rm(root, { recursive: true, force: true }));

test('svcmgr logs | head -1 on a big log ends quietly', async () => {
  await mkdir(join(root, 'var/lib/capsule/web1'), { recursive: true });
  await writeFile(join(root, 'var/lib/capsule/web1/log'), 'x'.repeat(100).concat('\n').repeat(3000));
  const errFile = join(root, 'stderr');
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${cliEntry('svcmgr')}" -s web1 logs 2>"${errFile}" | head -1 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env() } });
  expect(await readFile(errFile, 'utf8')).toBe('');
  expect(r.stdout).toBe('0\n');
});

test('print config --format json is JSON', () => {
  const r = svcmgr('print', 'config', '--format', 'json');
  expect(JSON.parse(r.stdout)).toEqual({ DEFAULT: { nodes: 'hv1' }, 'app#1': { script: 'app', tags: 'db' } });
});

test('with --format json a failed action leaves exactly one JSON error on stderr', async () => {
  await writeFile(join(root, 'etc/capsule/web1.d/app'), '#!/bin/sh\n[ "$1" = start ] && { echo starting; exit 3; }\nexit 1\n', { mode: 0o755 });
  const r = svcmgr('start', '--format', 'json');
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'ActionFailed' } });
});

test('create --config /dev/zero stops at the size limit', () => {
  const t0 = Date.now();
  const r = cli('svcmgr', ['-s', 'web2', 'create', '--config', '/dev/zero'], env());
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('/dev/zero is over the 4194304 bytes limit');
  expect(Date.now() - t0).toBeLessThan(5000);
});

test('create --config SRC reports problems in SRC', async () => {
  const src = join(root, 'web2.src');
  await writeFile(src, '[DEFAULT]\nnodes = hv1\nflex_min = many\n');
  const r = cli('svcmgr', ['-s', 'web2', 'create', '--config', src], env());
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${src}:3: DEFAULT.flex_min:`);
});

test('a 240-character service name is refused up front', () => {
  const r = cli('svcmgr', ['-s', 'a'.repeat(240), 'create', '--config', '/dev/null'], env());
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^error: service name "a+\.\.\." is 240 characters long, over the 200 limit/);
});

test.each([
  [['--rid', 'fs#9'], /no resource fs#9[^]*resources are app#1/],
  [['--tags', 'nosuchtag'], /no tag nosuchtag[^]*tags are db/],
])('start %j is an error naming what exists', (args, message) => {
  const r = svcmgr('start', ...args);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(message);
});

test('a node outside nodes is refused unless --force', () => {
  const r = cli('svcmgr', ['-s', 'web1', 'start'], env({ CAPSULE_NODENAME: 'hv9' }));
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('web1 runs on hv1, not on hv9: start refused');
  expect(cli('svcmgr', ['-s', 'web1', 'start', '--force'], env({ CAPSULE_NODENAME: 'hv9' })).code).toBe(0);
});

test('a cache from the future is not trusted', async () => {
  expect(svcmgr('start').code).toBe(0);
  expect(svcmgr('status').code).toBe(0);
  await rm(join(root, 'up'));
  const file = join(root, 'var/lib/capsule/web1/status.json');
  const cached = JSON.parse(await readFile(file, 'utf8')) as { updated: string };
  await writeFile(file, JSON.stringify({ ...cached, updated: new Date(Date.now() + 3_600_000).toISOString() }));
  expect(svcmgr('status').code).toBe(1);
  await writeFile(file, JSON.stringify({ ...cached, overall: 'bogus' }));
  expect(svcmgr('status').code).toBe(1);
});

test('set on a symlinked service file writes through, keeping CRLF and the BOM', async () => {
  const real = join(root, 'shared.conf');
  await writeFile(real, '\ufeff[DEFAULT]\r\nnodes = hv1\r\n');
  await rm(join(root, 'etc/capsule/web1.conf'));
  await symlink(real, join(root, 'etc/capsule/web1.conf'));
  expect(svcmgr('set', '--param', 'env.MY_DIR', '--value', '/x').code).toBe(0);
  expect((await lstat(join(root, 'etc/capsule/web1.conf'))).isSymbolicLink()).toBe(true);
  expect(await readFile(real, 'utf8')).toBe('\ufeff[DEFAULT]\r\nnodes = hv1\r\n\r\n[env]\r\nMY_DIR = /x\r\n');
});

test('freeze refuses a planted frozen symlink', async () => {
  await mkdir(join(root, 'var/lib/capsule/web1'), { recursive: true });
  await writeFile(join(root, 'victim'), 'precious');
  await symlink(join(root, 'victim'), join(root, 'var/lib/capsule/web1/frozen'));
  const r = svcmgr('freeze');
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('is a symbolic link; refusing to write through it');
  expect(await readFile(join(root, 'victim'), 'utf8')).toBe('precious');
});

describe('broken drivers in the driver directory', () => {
  beforeEach(async () => {
    const dir = join(root, 'usr/lib/capsule/drivers');
    const pkg = (name: string, capsule: unknown) => ({ name, version: '1.0.0', type: 'module', exports: { '.': './index.js', './keywords': './keywords.js' }, capsule });
    await mkdir(join(dir, 'node_modules/nullish'), { recursive: true });
    await mkdir(join(dir, 'node_modules/hangs'), { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ dependencies: { nullish: '1', hangs: '1' } }));
    await writeFile(join(dir, 'node_modules/nullish/package.json'), JSON.stringify(pkg('nullish', null)));
    await writeFile(join(dir, 'node_modules/hangs/package.json'), JSON.stringify(pkg('hangs', { apiVersion: 2, provides: ['container.hang'], platforms: ['linux'], keywords: './keywords' })));
    // Keeps a timer and never settles.
    await writeFile(join(dir, 'node_modules/hangs/keywords.js'), 'setInterval(() => {}, 1000);\nawait new Promise(() => {});\nexport const keywords = [];\n');
    await writeFile(join(root, 'etc/capsule/vm.conf'), '[DEFAULT]\nnodes = hv1\n\n[container#0]\ntype = hang\n');
  });

  test('nodemgr drivers lists them with their reasons', () => {
    const r = cli('nodemgr', ['drivers', '--format', 'json'], env());
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ name: string; compatible: boolean; reason?: string }>;
    expect(list.find((d) => d.name === 'nullish')).toMatchObject({ compatible: false, reason: expect.stringContaining('invalid "capsule" manifest in') });
    expect(list.find((d) => d.name === 'hangs')).toMatchObject({ compatible: true });
  });

  test('they affect only the services that use them, and a hanging import times out', () => {
    expect(svcmgr('start').code).toBe(0);
    const t0 = Date.now();
    const r = cli('svcmgr', ['-s', 'vm', 'validate', 'config'], env({ CAPSULE_DRIVER_IMPORT_TIMEOUT: '1' }));
    expect(Date.now() - t0).toBeLessThan(10_000);
    // A broken driver's keywords cannot be checked: a warning (the file stays storable), exit 2.
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/driver hangs@1\.0\.0 is broken: importing \/.*\/hangs\/keywords\.js did not finish within 1 s/);
  });
});

test('20 parallel `svcmgr set` of different keywords: every value is in the file', async () => {
  await writeFile(join(root, 'etc/capsule/web1.conf'), '[DEFAULT]\nnodes = hv1\n\n[env]\n');
  const entry = cliEntry('svcmgr');
  const script = Array.from({ length: 20 }, (_, i) => `"${process.execPath}" "${entry}" -s web1 set --param env.k${i} --value v${i} &`).join('\n') + '\nwait\n';
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env() } });
  expect(r.status).toBe(0);
  const text = await readFile(join(root, 'etc/capsule/web1.conf'), 'utf8');
  expect(Array.from({ length: 20 }, (_, i) => text.includes(`k${i} = v${i}`)).filter((x) => !x)).toEqual([]);
  expect(JSON.parse(svcmgr('print', 'config', 'version').stdout)).toMatchObject({ generation: 21 });
}, 60_000);

test('an app that daemonizes without redirecting its output: start returns with its launcher, the daemon lives', async () => {
  await writeFile(join(root, 'etc/capsule/web1.d/app'), `#!/bin/sh\ncase "$1" in start) sleep 30 & echo $! > ${root}/daemon.pid; exit 0 ;; stop) kill $(cat ${root}/daemon.pid) ;; status) kill -0 $(cat ${root}/daemon.pid 2>/dev/null) 2>/dev/null ;; esac\n`, { mode: 0o755 });
  const t0 = Date.now();
  const r = svcmgr('start');
  expect([r.code, Date.now() - t0 < 20_000]).toEqual([0, true]);
  expect(svcmgr('status', '--refresh').code).toBe(0);
  expect(svcmgr('stop').code).toBe(0);
}, 60_000);

test('nodemgr drivers shows what each driver can do', () => {
  const r = cli('nodemgr', ['drivers', '--format', 'json'], env());
  const lxc = (JSON.parse(r.stdout) as Array<{ name: string; capabilities: object }>).find((d) => d.name === '@capsule/driver-lxc');
  expect(lxc?.capabilities).toEqual({ liveMigrate: false, guestChannel: 'native' });
  expect(cli('nodemgr', ['drivers'], env()).stdout).toMatch(/@capsule\/driver-lxc\s+\S+\s+container\.lxc\s+linux\s+guest:native\s+yes/);
});
