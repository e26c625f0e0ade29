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

/**
 * The app package this code runs from (its dependencies are the drivers it
 * ships), from src, dist/bin or a dist chunk: the nearest package.json with a
 * `capsuleApp` field, so that every per-platform app can assemble its own.
 */
export function findAppRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { capsuleApp?: unknown }).capsuleApp) return dir;
    } catch {
      // no package.json here: keep walking up
    }
  }
  throw new Error(`no capsule app package (a package.json with a "capsuleApp" field) above ${from}`);
}

export const appRoot = findAppRoot(dirname(fileURLToPath(import.meta.url)));
