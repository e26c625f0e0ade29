// `svcmgr clear`, as OpenSVC's: the agent daemon forgets this node's start
// failures and monitor restarts for the service, so the node is eligible
// again at once instead of after its backoff.
import { CapsuleError, ErrorCode } from '@capsule/core';
import { ask, daemonPaths } from '@capsule/runtime/daemon';
import type { CommandContext } from '../spec.js';
import { serviceName } from './service-config.js';

export async function run(ctx: CommandContext): Promise<number> {
  const name = serviceName(ctx);
  const r = await ask<{ ok?: boolean; cleared?: boolean; error?: string }>(daemonPaths(ctx.root).socket, { cmd: 'clear', service: name });
  if (r.error) throw new CapsuleError(ErrorCode.ServiceNotFound, r.error, { hint: 'svcmon lists the services the daemon orchestrates' });
  ctx.out(ctx.format === 'json' ? JSON.stringify({ service: name, node: ctx.nodename, cleared: r.cleared === true }) : `${name}: ${r.cleared ? `start failures and monitor restarts forgotten on ${ctx.nodename}: eligible again` : `nothing to clear on ${ctx.nodename}`}`);
  return 0;
}
