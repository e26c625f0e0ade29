import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { servicePaths } from './paths.js';
import { updateConfig } from './store.js';
import { KeywordRegistry } from './registry.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-f-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

const ctx = { nodename: 'n', svcname: 'web1' };

test.each([
  ['an invalid file', '[DEFAULT]\nnodes = n\nflex_min = many\n', 'ConfigInvalid', /^\/src\/web1\.src:3: /],
  ['an empty file', '\n  \n', 'ConfigEmpty', /\(\/src\/web1\.src\)/],
  ['invalid UTF-8', new Uint8Array([0x5b, 0x44, 0x5d, 0x0a, 0xff]), 'ConfigSyntax', /^\/src\/web1\.src:2: invalid UTF-8/],
])('%s is refused, reported in the source file, and nothing is installed', async (_w, content, code, message) => {
  const p = servicePaths(dir, 'web1');
  await expect(updateConfig(p, { registry: new KeywordRegistry(), ctx, source: '/src/web1.src' }, 'create', () => content)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  expect(existsSync(p.config)).toBe(false);
});
