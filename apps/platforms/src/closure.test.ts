import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closure } from './closure.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-closure-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

async function pkg(at: string, name: string, deps: Record<string, Record<string, string>> = {}): Promise<void> {
  await mkdir(join(dir, at), { recursive: true });
  await writeFile(join(dir, at, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...deps }));
}

test('dependencies, peers and optional dependencies are followed; an absent optional one is skipped', async () => {
  await pkg('app', 'app');
  await pkg('app/node_modules/driver', 'driver', { dependencies: { kit: '1' }, peerDependencies: { core: '1' }, optionalDependencies: { native: '1' } });
  await pkg('app/node_modules/kit', 'kit', { dependencies: { core: '1' } });
  await pkg('app/node_modules/core', 'core');
  expect((await closure([{ from: join(dir, 'app'), names: ['driver'] }])).map((f) => f.name)).toEqual(['core', 'driver', 'kit']);
});

test('a missing dependency names what needs it', async () => {
  await pkg('app', 'app');
  await pkg('app/node_modules/driver', 'driver', { dependencies: { kit: '1' } });
  await expect(closure([{ from: join(dir, 'app'), names: ['driver'] }])).rejects.toThrow(/kit is not installed \(needed from .*driver\)/);
});

test('two copies of one package cannot share a flat node_modules', async () => {
  await pkg('app', 'app');
  await pkg('app/node_modules/a', 'a', { dependencies: { core: '1' } });
  await pkg('app/node_modules/a/node_modules/core', 'core');
  await pkg('app/node_modules/b', 'b', { dependencies: { core: '2' } });
  await pkg('app/node_modules/core', 'core');
  await expect(closure([{ from: join(dir, 'app'), names: ['a', 'b'] }])).rejects.toThrow(/two copies of core are needed/);
});

test('each root is looked up from its own directory: a package only the second app has is found there', async () => {
  await pkg('cli', 'cli');
  await pkg('agent', 'agent');
  await pkg('agent/node_modules/only-agent', 'only-agent');
  expect((await closure([{ from: join(dir, 'cli'), names: [] }, { from: join(dir, 'agent'), names: ['only-agent'] }])).map((f) => f.name)).toEqual(['only-agent']);
});
