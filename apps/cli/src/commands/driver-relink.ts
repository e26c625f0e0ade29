// nodemgr driver relink: the @capsule/* links of the driver directory
// re-pointed at this capsule's own copies (plugin-host/shared-links.ts). Run
// by the Debian package's postinst: an upgrade deletes the versioned
// directory the links name. Nothing to do, no driver directory: exit 0, silent.
import { withLock } from '@capsule/config';
import { defaultDriverDir, discoverDrivers, relinkDriverDir, type RelinkResult } from '@capsule/plugin-host';
import { discoveryOptions } from '@capsule/runtime/discovery';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { renderJson } from '../output.js';
import type { CommandContext } from '../spec.js';

/** One line per link changed, for add, remove and relink alike. */
export function relinkedLines(r: Pick<RelinkResult, 'relinked'>): string {
  return r.relinked.map((l) => `relinked ${l.name}: ${l.from} -> ${l.to}\n`).join('');
}

export async function run(ctx: CommandContext): Promise<number> {
  const driverDir = defaultDriverDir(ctx.root);
  let r: RelinkResult = { relinked: [], unresolved: [] };
  if (existsSync(driverDir)) {
    const lock = { action: 'driver relink', svcname: 'drivers', waitSeconds: 60, name: 'drivers.lock' };
    r = await withLock(join(ctx.root, 'var/lib/capsule'), lock, async () => relinkDriverDir(driverDir, await discoverDrivers(discoveryOptions(ctx)), ctx.appRoot));
  }
  if (ctx.format === 'json') {
    ctx.out(renderJson({ driverDir, ...r }));
    return 0;
  }
  ctx.out(relinkedLines(r));
  for (const u of r.unresolved) {
    ctx.err(`warning: ${driverDir}/node_modules/${u.name} points at ${u.target}, and this capsule has no ${u.name} to point it at\n  hint: the drivers needing it are DriverBroken until removed (\`nodemgr driver remove NAME\`) or added again in a version for this capsule\n`);
  }
  return 0;
}
