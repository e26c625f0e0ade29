// What the config commands share: the service's name and paths, its parsed
// file, the evaluation context.
import { loadConfig, readClusterInfo, servicePaths, type ConfigDocument, type EvalContext, type ServicePaths } from '@capsule/config';
import { parseParam, type Param } from './param.js';
import { join } from 'node:path';
import type { CommandContext } from '../spec.js';

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
