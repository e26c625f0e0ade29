import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoveryOptions } from './discovery.js';
import { capsuleRoot, findAppRoot, nodename } from './node.js';

test('CAPSULE_ROOT and CAPSULE_NODENAME, with / and the host name when unset or empty', () => {
  expect([capsuleRoot({ CAPSULE_ROOT: '/srv/n1' }), capsuleRoot({}), capsuleRoot({ CAPSULE_ROOT: '' })]).toEqual(['/srv/n1', '/', '/']);
  expect(nodename({ CAPSULE_NODENAME: 'hv1' })).toBe('hv1');
  expect(nodename({})).toMatch(/.+/);
});

test('the app root is the nearest package.json with capsuleApp, from a chunk as from src', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capsule-app-'));
  try {
    await mkdir(join(dir, 'app/dist/chunks'), { recursive: true });
    await writeFile(join(dir, 'app/package.json'), JSON.stringify({ name: 'a', capsuleApp: { programs: ['x'] } }));
    await writeFile(join(dir, 'app/dist/package.json'), JSON.stringify({ name: 'not-an-app' }));
    expect(findAppRoot(join(dir, 'app/dist/chunks'))).toBe(join(dir, 'app'));
    expect(() => findAppRoot(dir)).toThrow(/no capsule app package/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.each([
  [{}, undefined],
  [{ CAPSULE_DRIVER_IMPORT_TIMEOUT: '2.5' }, 2500],
  [{ CAPSULE_DRIVER_IMPORT_TIMEOUT: '0' }, undefined],
  [{ CAPSULE_DRIVER_IMPORT_TIMEOUT: 'soon' }, undefined],
])('discovery options from %j: import timeout %s ms', (env, ms) => {
  expect(discoveryOptions({ root: '/r', nodename: 'n', appRoot: '/app', env })).toEqual({ appRoot: '/app', capsuleRoot: '/r', ...(ms ? { importTimeoutMs: ms } : {}) });
});
