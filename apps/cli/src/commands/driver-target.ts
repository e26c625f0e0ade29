// What `nodemgr driver add|remove` act on: the one package named (or a usage
// error saying how the command is written), this node's driver directory,
// and the drivers installed now, read under the node's driver lock.
import { withLock } from '@capsule/config';
import { CapsuleError } from '@capsule/core/errors';
import { defaultDriverDir, discoverDrivers, type DriverRegistry } from '@capsule/plugin-host';
import { discoveryOptions } from '@capsule/runtime/discovery';
import { join } from 'node:path';
import type { CommandContext } from '../spec.js';

export interface DriverTarget {
  spec: string;
  driverDir: string;
  registry: DriverRegistry;
  force: boolean;
}

/**
 * Runs `fn` with the target, one add or remove at a time on a node: two at
 * once would each rewrite the directory's package.json from what it read.
 */
export async function withDriverTarget<T>(ctx: CommandContext, command: string, usage: string, fn: (t: DriverTarget) => Promise<T>): Promise<T> {
  const [spec, ...extra] = ctx.positionals;
  if (!spec || extra.length) {
    throw new CapsuleError('UsageError', `nodemgr driver ${command}: ${spec ? `one package at a time, got "${ctx.positionals.join(' ')}"` : 'no package given'}`, { hint: usage });
  }
  const lock = { action: `driver ${command}`, svcname: 'drivers', waitSeconds: 60, name: 'drivers.lock' };
  return withLock(join(ctx.root, 'var/lib/capsule'), lock, async () =>
    fn({ spec, driverDir: defaultDriverDir(ctx.root), registry: await discoverDrivers(discoveryOptions(ctx)), force: ctx.options['force'] === true }),
  );
}
