// nodemgr freeze|thaw: the agent daemon starts and stops nothing on a frozen
// node, and its peers do not place services there (maintenance).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CommandContext } from '../spec.js';
import { ask, daemonPaths } from '@capsule/runtime/daemon';

export function command(freeze: boolean) {
  return async (ctx: CommandContext): Promise<number> => {
    const flag = daemonPaths(ctx.root).nodeFrozen;
    if (freeze) {
      await mkdir(dirname(flag), { recursive: true });
      await writeFile(flag, `${new Date().toISOString()}\n`);
    } else {
      await rm(flag, { force: true });
    }
    // The peers learn it with the next heartbeat, sent now when a daemon runs.
    await ask(daemonPaths(ctx.root).socket, { cmd: 'refresh' }, 10_000).catch(() => undefined);
    ctx.out(`${ctx.nodename} ${freeze ? 'frozen' : 'thawed'}\n`);
    return 0;
  };
}
