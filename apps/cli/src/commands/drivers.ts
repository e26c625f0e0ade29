// nodemgr drivers: installed driver plugins, from their manifests only.
import { discoverDrivers } from '@capsule/plugin-host';
import { renderJson, renderTable } from '../output.js';
import type { CommandContext } from '../spec.js';

export async function run(ctx: CommandContext): Promise<number> {
  const registry = await discoverDrivers({ appRoot: ctx.appRoot, capsuleRoot: ctx.root });
  const drivers = registry.list().map(({ name, version, provides, platforms, compatible, reason, source, dir }) => ({
    name,
    version,
    provides,
    platforms,
    compatible,
    ...(reason ? { reason } : {}),
    source,
    dir,
  }));
  if (ctx.format === 'json') {
    ctx.out(renderJson(drivers));
    return 0;
  }
  const rows = drivers.map((d) => [d.name, d.version, d.provides.join(','), d.platforms.join(','), d.compatible ? 'yes' : `no: ${d.reason}`]);
  ctx.out(renderTable(['DRIVER', 'VERSION', 'PROVIDES', 'PLATFORMS', 'USABLE'], rows));
  return 0;
}
