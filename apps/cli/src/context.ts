// Where this process runs: CAPSULE_ROOT, node name, and the CLI package directory.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function capsuleRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env['CAPSULE_ROOT'] || '/';
}

export function nodename(env: NodeJS.ProcessEnv = process.env): string {
  return env['CAPSULE_NODENAME'] || hostname();
}

/** The CLI package directory (its dependencies are the bundled drivers), from src, dist/bin or a dist chunk. */
function findAppRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === '@capsule/cli') return dir;
    } catch {
      // no package.json here: keep walking up
    }
  }
  throw new Error(`cannot find the @capsule/cli package above ${from}`);
}

export const appRoot = findAppRoot(dirname(fileURLToPath(import.meta.url)));
