import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from './actions.js';
import { ServiceLog } from './log.js';
import type { Service } from './model.js';
import { service as fixture } from '../test/fixtures/service.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-act-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

function service(varDir: string): Service {
  return fixture({ varDir, configFile: join(dir, 'web1.conf') });
}

const options = (varDir: string) => ({ exec: async () => ({ code: 0, stdout: '', stderr: '' }), log: new ServiceLog(varDir, {}, () => undefined) });

test('freeze writes the frozen flag, thaw removes it', async () => {
  const varDir = join(dir, 'var');
  await runAction(service(varDir), 'freeze', options(varDir));
  expect(await readFile(join(varDir, 'frozen'), 'utf8')).toMatch(/^\d{4}-/);
  await runAction(service(varDir), 'thaw', options(varDir));
  await expect(lstat(join(varDir, 'frozen'))).rejects.toMatchObject({ code: 'ENOENT' });
});

test('freeze refuses a frozen symlink and leaves its target intact', async () => {
  const varDir = join(dir, 'var');
  await mkdir(varDir);
  await writeFile(join(dir, 'victim'), 'precious');
  await symlink(join(dir, 'victim'), join(varDir, 'frozen'));
  await expect(runAction(service(varDir), 'freeze', options(varDir))).rejects.toMatchObject({ code: 'StateFileIsLink' });
  expect(await readFile(join(dir, 'victim'), 'utf8')).toBe('precious');
});
