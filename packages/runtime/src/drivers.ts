// The installed drivers, discovered once per program run, and the keyword
// registry that reads driver keywords from them.
import { KeywordRegistry } from '@capsule/config';
import { discoverDrivers } from '@capsule/plugin-host';
import { discoveryOptions } from './discovery.js';
import type { NodeContext } from './node.js';

const discovered = new WeakMap<NodeContext, ReturnType<typeof discoverDrivers>>();

/** Manifests only: driver code is imported when a service names the driver. */
export function drivers(ctx: NodeContext): ReturnType<typeof discoverDrivers> {
  let d = discovered.get(ctx);
  if (!d) discovered.set(ctx, (d = discoverDrivers(discoveryOptions(ctx))));
  return d;
}

/** Driver keywords come from the drivers' keyword modules, loaded only for the sections present. */
export function keywordRegistry(ctx: NodeContext): KeywordRegistry {
  return new KeywordRegistry(async (group, type) => (await drivers(ctx)).loadKeywords(group, type));
}
