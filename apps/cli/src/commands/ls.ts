// svcmgr ls: the services configured on this node.
import { listServices } from '@capsule/runtime/services';
import { renderJson } from '../output.js';
import type { CommandContext } from '../spec.js';

export async function run(ctx: CommandContext): Promise<number> {
  const names = await listServices(ctx.root);
  ctx.out(ctx.format === 'json' ? renderJson(names) : names.map((n) => n + '\n').join(''));
  return 0;
}
