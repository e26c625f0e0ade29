// OpenSVC and om3 service files as migrating users have them: om3 app
// forms (commands, simple) validate and start; OpenSVC data replication is
// refused by name, never run as a config sync.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './cli.js';

let root: string;
let state: string;
const env = () => ({ CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1' });
const fixture = async (name: string) => (await readFile(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8')).replaceAll('{STATE}', state);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-om3-'));
  state = join(root, 'state');
  await mkdir(state, { recursive: true });
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
});
afterEach(async () => {
  cli('svcmgr', ['-s', 'worker', 'stop'], env());
  await rm(root, { recursive: true, force: true });
});

async function install(svc: string, text: string): Promise<void> {
  await writeFile(join(root, `${svc}.src`), text);
  const r = cli('svcmgr', ['-s', svc, 'create', '--config', join(root, `${svc}.src`)], env());
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
}

test('an om3 forking app (commands, environment, cwd, umask, limits) validates, starts, checks and stops', async () => {
  await install('db', await fixture('om3-forking.conf'));
  expect(cli('svcmgr', ['-s', 'db', 'validate', 'config'], env())).toMatchObject({ code: 0 });
  expect(cli('svcmgr', ['-s', 'db', 'start'], env())).toMatchObject({ code: 0 });
  expect((await readFile(join(state, 'db.env'), 'utf8')).trim()).toBe('5432 orders main');
  expect(cli('svcmgr', ['-s', 'db', 'print', 'status', '--refresh'], env()).stdout).toMatch(/app#db\s+\S+\s+up/);
  expect(cli('svcmgr', ['-s', 'db', 'stop'], env())).toMatchObject({ code: 0 });
  expect(existsSync(join(state, 'db.up'))).toBe(false);
});

test('an om3 simple app: started in the background, supervised, stopped by signal', async () => {
  await install('worker', await fixture('om3-simple.conf'));
  expect(cli('svcmgr', ['-s', 'worker', 'start'], env())).toMatchObject({ code: 0 });
  expect(cli('svcmgr', ['-s', 'worker', 'status', '--refresh'], env()).code).toBe(0);
  const { pid } = JSON.parse(await readFile(join(root, 'var/lib/capsule/worker/app#worker.pid'), 'utf8')) as { pid: number };
  expect(() => process.kill(pid, 0)).not.toThrow();
  expect(cli('svcmgr', ['-s', 'worker', 'stop'], env())).toMatchObject({ code: 0 });
  expect(() => process.kill(pid, 0)).toThrow();
});

test('OpenSVC rsync data replication is refused by name at validation and at start, never run as a config sync', async () => {
  const text = '[DEFAULT]\nnodes = hv1 hv2\n\n[sync#1]\ntype = rsync\nsrc = /srv/data/\ndst = /srv/data\n';
  await writeFile(join(root, 'etc/capsule/data.conf'), text);
  const v = cli('svcmgr', ['-s', 'data', 'validate', 'config'], env());
  expect(v.code).toBe(1);
  expect(v.stderr).toMatch(/data\.conf:5: sync#1\.type: .*capsule replicates the service config only/);
  const s = cli('svcmgr', ['-s', 'data', 'start'], env());
  expect(s.code).not.toBe(0);
  expect(s.stderr).toContain('not supported');
});
