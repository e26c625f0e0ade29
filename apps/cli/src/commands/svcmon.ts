// svcmon: one line per service with its cached overall status.
import { readStatusCache } from '@capsule/service/cache';
import { servicePaths } from '@capsule/config/paths';
import { renderJson, renderTable } from '../output.js';
import type { CommandContext } from '../spec.js';
import { listServices } from './ls.js';

async function cachedOverall(root: string, svc: string): Promise<string> {
  // Never refreshed on this node, unreadable or malformed: the status is not known.
  return (await readStatusCache(servicePaths(root, svc).varDir))?.overall ?? 'undef';
}

export async function run(ctx: CommandContext): Promise<number> {
  const names = await listServices(ctx.root);
  const rows = await Promise.all(names.map(async (svc) => ({ service: svc, node: ctx.nodename, overall: await cachedOverall(ctx.root, svc) })));
  ctx.out(ctx.format === 'json' ? renderJson(rows) : renderTable(['SERVICE', 'NODE', 'OVERALL'], rows.map((r) => [r.service, r.node, r.overall])));
  return 0;
}
