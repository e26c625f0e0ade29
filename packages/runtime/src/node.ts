// Where a capsule program runs: CAPSULE_ROOT, the node name, and the app
// package it was built from (whose dependencies are the drivers it ships).
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

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

/** What loading a node's services needs to know of the program: the CLI's command context is one. */
export interface NodeContext {
  root: string;
  nodename: string;
  /** Directory of the app package, whose dependencies are the bundled drivers. */
  appRoot: string;
  /** The environment, read once: packages get values from the context, never from process.env. */
  env: Readonly<Record<string, string | undefined>>;
}
