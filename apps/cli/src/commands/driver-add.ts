// nodemgr driver add NAME[@VERSION] | FILE.tgz: a driver package installed
// into this node's driver directory, checked first (plugin-host/install.ts).
import { platformOf } from '@capsule/core/manifest';
import { addDriver, DEFAULT_NPM_REGISTRY } from '@capsule/plugin-host';
import { renderJson } from '../output.js';
import type { CommandContext } from '../spec.js';
import { withDriverTarget } from './driver-target.js';
import { relinkedLines } from './driver-relink.js';

export async function run(ctx: CommandContext): Promise<number> {
  const npmRegistry = ctx.env['CAPSULE_NPM_REGISTRY'] || DEFAULT_NPM_REGISTRY;
  const usage = 'nodemgr driver add NAME[@VERSION] (from the npm registry) or nodemgr driver add FILE.tgz (from `npm pack`)';
  const { target, r } = await withDriverTarget(ctx, 'add', usage, async (target) => ({ target, r: await addDriver({ ...target, appRoot: ctx.appRoot, platform: platformOf(process.platform), npmRegistry }) }));
  if (ctx.format === 'json') {
    ctx.out(renderJson({ ...r, driverDir: target.driverDir }));
    return 0;
  }
  ctx.out(relinkedLines(r));
  const was = r.previous !== undefined ? ` (was ${r.previous})` : '';
  ctx.out(`added ${r.name}@${r.version}${was} to ${target.driverDir}: provides ${r.provides.join(', ')}\n`);
  for (const x of r.replaces) ctx.out(`  ${x.provides} is now served by ${r.name}, not ${x.by}\n`);
  return 0;
}
