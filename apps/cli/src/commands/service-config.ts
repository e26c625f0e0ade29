// What the config commands share: the service's paths, its parsed file, and
// a keyword registry whose driver keywords come from the installed drivers.
import { KeywordRegistry, loadConfig, readClusterInfo, servicePaths, type ConfigDocument, type EvalContext, type ServicePaths } from '@capsule/config';
import { discoverDrivers } from '@capsule/plugin-host';
import { discoveryOptions } from './discovery.js';
import { parseParam, type Param } from './param.js';
import { join } from 'node:path';
import type { CommandContext } from '../spec.js';

const discovered = new WeakMap<CommandContext, ReturnType<typeof discoverDrivers>>();

/** The installed drivers, discovered once per command. */
export function drivers(ctx: CommandContext): ReturnType<typeof discoverDrivers> {
  let d = discovered.get(ctx);
  if (!d) discovered.set(ctx, (d = discoverDrivers(discoveryOptions(ctx))));
  return d;
}

/** Driver keywords come from the drivers' keyword modules, loaded only for the sections present. */
export function keywordRegistry(ctx: CommandContext): KeywordRegistry {
  return new KeywordRegistry(async (group, type) => (await drivers(ctx)).loadKeywords(group, type));
}

export function serviceName(ctx: CommandContext): string {
  return ctx.options['service'] as string;
}

export function paths(ctx: CommandContext): ServicePaths {
  return servicePaths(ctx.root, serviceName(ctx));
}

/** The node evaluating (impersonated with --impersonate), its cluster from node.conf, and the paths {etc}, {svcmgr}... point to. */
export async function evalContext(ctx: CommandContext, impersonate?: unknown): Promise<EvalContext> {
  return {
    nodename: typeof impersonate === 'string' ? impersonate : ctx.nodename,
    svcname: serviceName(ctx),
    root: ctx.root,
    cluster: await readClusterInfo(ctx.root),
    // bin/svcmgr, bin/nodemgr of this checkout, beside the CLI package.
    bindir: join(ctx.appRoot, '../../bin'),
  };
}

export async function openService(ctx: CommandContext): Promise<{ paths: ServicePaths; doc: ConfigDocument }> {
  const p = paths(ctx);
  return { paths: p, doc: await loadConfig(p.config) };
}

/** `--param fs#1.mnt@hv1` -> section fs#1, key mnt@hv1; a bare keyword is in DEFAULT. */
export function serviceParam(param: unknown): Param {
  return parseParam(param, 'fs#1.mnt', 'DEFAULT');
}
