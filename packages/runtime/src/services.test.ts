import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listServices } from './services.js';

let root: string;
beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'capsule-rt-'))));
afterEach(() => rm(root, { recursive: true, force: true }));

test('the services are the .conf files of etc/capsule, node.conf and other files excluded, sorted', async () => {
  await mkdir(join(root, 'etc/capsule/web.d'), { recursive: true });
  for (const f of ['web.conf', 'db.conf', 'node.conf', 'web.conf.bak', 'notes.txt']) await writeFile(join(root, 'etc/capsule', f), '');
  expect(await listServices(root)).toEqual(['db', 'web']);
});

test('a node without etc/capsule has no services', async () => {
  expect(await listServices(root)).toEqual([]);
});
