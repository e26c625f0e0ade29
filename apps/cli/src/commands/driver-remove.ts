// nodemgr driver remove NAME: a driver taken out of this node's driver
// directory, unless a service here still needs it (plugin-host/uninstall.ts).
import { removeDriver } from '@capsule/plugin-host';
import { renderJson } from '../output.js';
import type { CommandContext } from '../spec.js';
import { withDriverTarget } from './driver-target.js';
import { driverUses } from './driver-uses.js';
import { relinkedLines } from './driver-relink.js';

export async function run(ctx: CommandContext): Promise<number> {
  const usage = 'nodemgr driver remove NAME (`nodemgr driver list` shows the installed ones)';
  const { target, r } = await withDriverTarget(ctx, 'remove', usage, async (target) => ({ target, r: await removeDriver({ ...target, name: target.spec, uses: () => driverUses(ctx), appRoot: ctx.appRoot }) }));
  if (ctx.format === 'json') {
    ctx.out(renderJson({ ...r, driverDir: target.driverDir }));
    return 0;
  }
  ctx.out(relinkedLines(r));
  ctx.out(`removed ${r.name}${r.version ? `@${r.version}` : ''} from ${target.driverDir}${r.provides.length ? `: ${r.provides.join(', ')} no longer provided by it` : ''}\n`);
  for (const b of r.broken) ctx.err(`warning: service ${b.service} uses ${b.provides}, which no installed driver provides now\n  hint: \`nodemgr driver add ${r.name}\` to add it back\n`);
  return 0;
}
