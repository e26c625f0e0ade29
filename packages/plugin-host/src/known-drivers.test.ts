import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KNOWN_DRIVERS, knownPackage } from './known-drivers.js';

const plugins = fileURLToPath(new URL('../../../plugins', import.meta.url));

test("the known drivers are exactly the repository's plugins and what they provide", () => {
  const provided: Record<string, string> = {};
  for (const dir of readdirSync(plugins)) {
    const pkg = JSON.parse(readFileSync(join(plugins, dir, 'package.json'), 'utf8')) as { name: string; capsule?: { provides?: string[] } };
    for (const p of pkg.capsule?.provides ?? []) provided[p] = pkg.name;
  }
  expect(Object.fromEntries(Object.entries(KNOWN_DRIVERS).sort())).toEqual(Object.fromEntries(Object.entries(provided).sort()));
});

test.each([
  ['container', 'kvm', '@capsule/driver-kvm'],
  ['ip', undefined, '@capsule/resource-ip'],
  ['fs', 'ext4', '@capsule/resource-fs'],
  ['container', 'docker', undefined],
  ['container', 'constructor', undefined],
  ['disk', undefined, undefined],
])('%s %s: %s', (group, type, pkg) => expect(knownPackage(group, type)).toBe(pkg));
