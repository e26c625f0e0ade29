// Where drivers are found, from the program's context. Kept free of the
// config and schema libraries: `nodemgr drivers` loads only this.
import { defaultDriverDir, discoverDrivers, relinkDriverDir, type DiscoveryOptions, type RelinkResult } from '@capsule/plugin-host';
import type { NodeContext } from './node.js';

/** CAPSULE_DRIVER_IMPORT_TIMEOUT (seconds) bounds a driver module's import; 10 s by default. */
export function discoveryOptions(ctx: NodeContext): DiscoveryOptions {
  const s = Number(ctx.env['CAPSULE_DRIVER_IMPORT_TIMEOUT']);
  return { appRoot: ctx.appRoot, capsuleRoot: ctx.root, ...(Number.isFinite(s) && s > 0 ? { importTimeoutMs: s * 1000 } : {}) };
}

/**
 * The driver directory's @capsule/* links re-pointed at this capsule's own
 * copies: what `nodemgr driver relink` does, for the agent at start (an
 * upgrade of capsule deletes the versioned directory the links named).
 */
export async function relinkDrivers(ctx: NodeContext): Promise<RelinkResult> {
  return relinkDriverDir(defaultDriverDir(ctx.root), await discoverDrivers(discoveryOptions(ctx)), ctx.appRoot);
}
