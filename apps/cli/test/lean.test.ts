// What a command loads: the drivers its service uses and nothing else, and
// no zod on the status and action paths of a service without containers
// (zod alone takes a bare node from 40 to 54 MiB resident). Every module
// Node loads is recorded by a loader hook, so a stray import fails here.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli } from './cli.js';

let root: string;
let record: string;
let env: Record<string, string>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-lean-'));
  record = join(root, 'loaded');
  await writeFile(join(root, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(${JSON.stringify(record)}, url + '\\n'); return next(url, context); }
`);
  await writeFile(join(root, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(root, 'hooks.mjs')).href)});\n`);
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
  await writeFile(join(root, 'etc/capsule/one.conf'), '[DEFAULT]\nnodes = hv1\n\n[app#0]\nscript = /bin/true\n');
  env = { CAPSULE_ROOT: root, NODE_OPTIONS: `--import=${pathToFileURL(join(root, 'register.mjs')).href}` };
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function loadedBy(program: 'svcmgr' | 'nodemgr' | 'svcmon', args: string[]): Promise<string[]> {
  await rm(record, { force: true });
  const r = cli(program, args, env);
  expect({ code: r.code, stderr: r.code ? r.stderr : '' }).toEqual({ code: 0, stderr: '' });
  return (await readFile(record, 'utf8')).split('\n').filter(Boolean);
}

const drivers = (urls: string[]) => [...new Set(urls.flatMap((u) => /\/plugins\/([^/]+)\//.exec(u)?.[1] ?? []))];
const zod = (urls: string[]) => urls.filter((u) => /\/zod\//.test(u));

test.each([
  ['print status --refresh', ['-s', 'one', 'print', 'status', '--refresh'], ['resource-app']],
  ['print status from the cache', ['-s', 'one', 'print', 'status'], []],
  ['start', ['-s', 'one', 'start'], ['resource-app']],
  ['stop', ['-s', 'one', 'stop'], ['resource-app']],
  ['validate config', ['-s', 'one', 'validate', 'config'], ['resource-app']],
])('svcmgr %s loads no zod and only the drivers the service uses', async (_what, args, used) => {
  const urls = await loadedBy('svcmgr', args);
  expect(zod(urls)).toEqual([]);
  expect(drivers(urls)).toEqual(used);
});

test('nodemgr drivers reads manifests: no driver code, no zod', async () => {
  const urls = await loadedBy('nodemgr', ['drivers']);
  expect(zod(urls)).toEqual([]);
  expect(urls.filter((u) => /\/plugins\/[^/]+\/(dist|src)\//.test(u))).toEqual([]);
});

test('svcmon without a daemon reads the status caches: no driver, no zod', async () => {
  const urls = await loadedBy('svcmon', []);
  expect(zod(urls)).toEqual([]);
  expect(drivers(urls)).toEqual([]);
});
