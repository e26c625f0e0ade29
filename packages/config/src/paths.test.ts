import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atomicWrite } from './atomic.js';
import { MAX_SVCNAME_LENGTH, servicePaths } from './paths.js';

test.each([
  ['web1', true],
  ['a'.repeat(MAX_SVCNAME_LENGTH), true],
  ['a'.repeat(MAX_SVCNAME_LENGTH + 1), false],
  ['a'.repeat(240), false],
  ['node', false],
  ['-x', false],
  ['a/b', false],
])('service name %s is valid: %s', (name, ok) => {
  if (ok) expect(servicePaths('/', name).config).toBe(`/etc/capsule/${name}.conf`);
  else expect(() => servicePaths('/', name)).toThrow(expect.objectContaining({ code: 'InvalidServiceName' }));
});

test('the longest valid name can be written atomically (room for the temp suffix)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'capsule-p-'));
  try {
    const p = servicePaths(root, 'a'.repeat(MAX_SVCNAME_LENGTH));
    await atomicWrite(join(root, p.config.split('/').pop()!), '[DEFAULT]\n');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
