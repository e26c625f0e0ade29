// A service's life on one node: create never replaces silently, delete never
// leaves resources running unmanaged (unless forced), purge stops then
// deletes, and a deleted service is not brought back by a peer's push.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '@capsule/testenv';
import { cli, cliProcess } from './cli.js';

let root: string;
const env = () => ({ CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1' });
const svc = (...args: string[]) => cli('svcmgr', ['-s', 'web', ...args], env());
const file = (script: string) => `[DEFAULT]\nnodes = hv1\n\n[app#1]\nscript = ${script}\n`;
let marker: string;
let script: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-life-'));
  marker = join(root, 'app.up');
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
  script = join(root, 'app.sh');
  await writeFile(script, `#!/bin/sh\ncase "$1" in start) touch ${marker};; stop) rm -f ${marker};; status) [ -e ${marker} ];; esac\n`, { mode: 0o755 });
  await writeFile(join(root, 'one.conf'), file(script));
  await writeFile(join(root, 'two.conf'), file(script).replace('nodes = hv1', 'nodes = hv1\ncomment = two'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

test('create over an existing service is refused; --force replaces it, keeps the old file and names what still runs', async () => {
  expect(svc('create', '--config', join(root, 'one.conf'))).toMatchObject({ code: 0 });
  expect(svc('start')).toMatchObject({ code: 0 });
  const refused = svc('create', '--config', join(root, 'two.conf'));
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain('web already exists');
  expect(await readFile(join(root, 'etc/capsule/web.conf'), 'utf8')).toBe(file(script));
  // The same content again is no change, not a refusal.
  expect(svc('create', '--config', join(root, 'one.conf'))).toMatchObject({ code: 0 });
  const forced = svc('create', '--config', join(root, 'two.conf'), '--force');
  expect(forced).toMatchObject({ code: 0 });
  expect(forced.stderr).toMatch(/the old file is kept in .*replaced-.*\.conf; still running from it: app#1/);
  const kept = (await readdir(join(root, 'var/lib/capsule/web'))).find((f) => f.startsWith('replaced-'))!;
  expect(await readFile(join(root, 'var/lib/capsule/web', kept), 'utf8')).toBe(file(script));
});

test('delete is refused while the service runs; purge stops then deletes; --force deletes and leaves it running', async () => {
  expect(svc('create', '--config', join(root, 'one.conf'))).toMatchObject({ code: 0 });
  expect(svc('start')).toMatchObject({ code: 0 });
  const refused = svc('delete');
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain('web still runs on hv1 (app#1)');
  expect(existsSync(join(root, 'etc/capsule/web.conf'))).toBe(true);
  expect(svc('purge')).toMatchObject({ code: 0 });
  expect([existsSync(marker), existsSync(join(root, 'etc/capsule/web.conf')), existsSync(join(root, 'var/lib/capsule/web'))]).toEqual([false, false, false]);
  expect(cli('svcmgr', ['ls'], env()).stdout).not.toContain('web');

  expect(svc('create', '--config', join(root, 'one.conf'))).toMatchObject({ code: 0 });
  expect(svc('start')).toMatchObject({ code: 0 });
  expect(svc('delete', '--force')).toMatchObject({ code: 0 });
  expect([existsSync(marker), existsSync(join(root, 'etc/capsule/web.conf'))]).toEqual([true, false]);
});

test("a deleted service refuses a peer's push until it is created again", async () => {
  expect(svc('create', '--config', join(root, 'one.conf'))).toMatchObject({ code: 0 });
  const version = JSON.parse(svc('print', 'config', 'version').stdout) as unknown;
  expect(svc('delete')).toMatchObject({ code: 0 });
  const pushed = cli('svcmgr', ['-s', 'web', 'sync', '--receive', join(root, 'one.conf'), '--from', 'hv2', '--record', JSON.stringify(version)], env());
  expect(pushed.code).not.toBe(0);
  expect(pushed.stderr).toContain('web was deleted on hv1');
  expect(existsSync(join(root, 'etc/capsule/web.conf'))).toBe(false);
  // Created anew on a peer (another line than the one deleted): taken, and the tombstone goes.
  const two = await readFile(join(root, 'two.conf'));
  const fresh = { generation: 1, hash: createHash('sha256').update(two).digest('hex'), ancestors: [], acked: [] };
  expect(cli('svcmgr', ['-s', 'web', 'sync', '--receive', join(root, 'two.conf'), '--from', 'hv2', '--record', JSON.stringify(fresh)], env())).toMatchObject({ code: 0 });
  expect(await readFile(join(root, 'etc/capsule/web.conf'), 'utf8')).toBe(two.toString());
  expect(existsSync(join(root, 'var/lib/capsule/.deleted/web'))).toBe(false);
});

test('create after a delete here clears the tombstone', async () => {
  expect(svc('create', '--config', join(root, 'one.conf'))).toMatchObject({ code: 0 });
  expect(svc('delete')).toMatchObject({ code: 0 });
  expect(existsSync(join(root, 'var/lib/capsule/.deleted/web'))).toBe(true);
  expect(svc('create', '--config', join(root, 'one.conf'))).toMatchObject({ code: 0 });
  expect(existsSync(join(root, 'var/lib/capsule/.deleted/web'))).toBe(false);
});

test("status's exit code never comes from a stale cache; print status says the age of an old one", async () => {
  expect(svc('create', '--config', join(root, 'one.conf'))).toMatchObject({ code: 0 });
  expect(svc('start')).toMatchObject({ code: 0 });
  expect(svc('status').code).toBe(0);
  // The app dies behind capsule's back: the cache written by start still says up.
  await rm(marker);
  expect(svc('status').code).toBe(1);
  // A cache 30 s old (no daemon refreshes it here): shown, with its age.
  const cache = join(root, 'var/lib/capsule/web/status.json');
  const s = JSON.parse(await readFile(cache, 'utf8')) as { updated: string };
  await writeFile(cache, JSON.stringify({ ...s, updated: new Date(Date.now() - 30_000).toISOString() }));
  // Older than the cache, or the cache would be recomputed: the file was written a minute ago.
  await utimes(join(root, 'etc/capsule/web.conf'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  expect(svc('print', 'status').stdout).toMatch(/status computed 3\d s ago \(cached; --refresh recomputes it\)/);
});

test('every change is in the audit log and the service log, with who and from where; secrets masked; filters and --follow', async () => {
  expect(svc('create', '--config', join(root, 'one.conf'))).toMatchObject({ code: 0 });
  expect(svc('set', '--param', 'env.db_password', '--value', 'hunter22')).toMatchObject({ code: 0 });
  expect(cli('svcmgr', ['-s', 'web', 'start'], { ...env(), CAPSULE_ORIGIN: 'hypervisor hv9' })).toMatchObject({ code: 0 });
  expect(svc('print', 'status')).toMatchObject({ code: 0 });
  const audit = cli('nodemgr', ['logs'], env()).stdout;
  const user = (await import('node:os')).userInfo().username;
  expect(audit).toMatch(new RegExp(`svcmgr -s web set --param env.db_password --value \\*\\*\\*: exit 0 after \\d+ ms, by ${user} \\(uid \\d+, pid \\d+\\) from command line`));
  expect(audit).toMatch(/svcmgr -s web start: exit 0 after \d+ ms, by .* from hypervisor hv9/);
  expect(audit).not.toContain('hunter22');
  // Reading is not changing: print status is not audited.
  expect(audit).not.toContain('print status');
  const log = svc('logs').stdout;
  expect(log).toMatch(/INFO {2}web: svcmgr -s web start by .* from hypervisor hv9/);
  expect(svc('logs', '--level', 'warn').stdout).not.toContain('INFO');
  expect(cli('nodemgr', ['logs', '--since', '1h'], env()).stdout).toContain('svcmgr -s web start');

  let followed = '';
  const f = cliProcess('svcmgr', ['-s', 'web', 'logs', '--follow', '--since', '1s'], env());
  f.child.stdout!.on('data', (d: Buffer) => (followed += d.toString()));
  expect(svc('stop')).toMatchObject({ code: 0 });
  await until('the stop followed', async () => /svcmgr -s web stop by/.test(followed));
  f.child.kill('SIGINT');
  expect((await f.done).code).toBe(0);
});
