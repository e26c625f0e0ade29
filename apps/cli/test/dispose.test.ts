// What a resource opens for a command is closed when the command is done,
// by the engine: a third-party driver (from the root's driver directory)
// records its opens and closes in a ledger.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cli.js';

let root: string;
let ledger: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-dispose-'));
  ledger = join(root, 'ledger');
  const dir = join(root, 'usr/lib/capsule/drivers');
  const pkg = join(dir, 'node_modules/acme-driver-conn');
  await mkdir(pkg, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ dependencies: { 'acme-driver-conn': '1.0.0' } }));
  await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: 'acme-driver-conn', version: '1.0.0', type: 'module', capsule: { apiVersion: 2, provides: ['fs.acme'], platforms: ['linux'] } }));
  // Written without @capsule/core, as a third party may: the contract is the object's shape.
  await writeFile(
    join(pkg, 'index.js'),
    `import { appendFileSync } from 'node:fs';
const text = { safeParse: (v) => (typeof v === 'string' ? { success: true, data: v } : { success: false, error: { issues: [{ message: 'text' }] } }), parse: (v) => v };
export default {
  $$type: 'capsule.driver', apiVersion: 2, provides: ['fs.acme'],
  keywords: [{ name: 'ledger', doc: 'where opens and closes are written', scopable: false, required: true, present: true, schema: text }],
  create: ({ rid, config }) => {
    appendFileSync(config.ledger, 'open ' + rid + '\\n');
    return {
      rid, label: () => 'acme',
      start: async () => {}, stop: async () => {},
      status: async () => ({ status: 'down', log: [] }),
      dispose: async () => appendFileSync(config.ledger, 'close ' + rid + '\\n'),
    };
  },
};
`,
  );
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
  await writeFile(join(root, 'etc/capsule/acme.conf'), `[DEFAULT]\nnodes = hv1\n\n[fs#1]\ntype = acme\nledger = ${ledger}\n\n[fs#2]\ntype = acme\nledger = ${ledger}\n`);
});
afterAll(() => rm(root, { recursive: true, force: true }));

test.each([
  ['print status --refresh', ['print', 'status', '--refresh']],
  ['start', ['start']],
])('svcmgr %s closes every resource it opened', async (_what, args) => {
  await rm(ledger, { force: true });
  const r = cli('svcmgr', ['-s', 'acme', ...args], { CAPSULE_ROOT: root });
  expect({ code: r.code, stderr: r.code ? r.stderr : '' }).toEqual({ code: 0, stderr: '' });
  const lines = (await readFile(ledger, 'utf8')).trim().split('\n');
  expect(lines.filter((l) => l.startsWith('open')).sort()).toEqual(['open fs#1', 'open fs#2']);
  expect(lines.filter((l) => l.startsWith('close')).sort()).toEqual(['close fs#1', 'close fs#2']);
  // Closed after everything else the command did with them.
  expect(lines.slice(-2).every((l) => l.startsWith('close'))).toBe(true);
});
