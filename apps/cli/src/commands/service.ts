// Service actions under the lock, and the status refresh: everything that
// builds the service and loads its drivers.
import { discoverDrivers } from '@capsule/plugin-host';
import {
  computeStatus,
  openService,
  runAction,
  ServiceLog,
  writeStatusCache,
  type Service,
  type ServiceStatus,
} from '@capsule/service';
import { localExec } from '@capsule/transport';
import type { CommandContext } from '../spec.js';
import { keywordRegistry, serviceName } from './service-config.js';

async function load(ctx: CommandContext): Promise<Service> {
  const drivers = await discoverDrivers({ appRoot: ctx.appRoot, capsuleRoot: ctx.root });
  return openService({ root: ctx.root, nodename: ctx.nodename, svcname: serviceName(ctx), registry: keywordRegistry(ctx), drivers });
}

function log(svc: Service, ctx: CommandContext): ServiceLog {
  return new ServiceLog(svc.varDir, svc.env, (l) => ctx.err(l));
}

async function refresh(svc: Service, ctx: CommandContext): Promise<ServiceStatus> {
  const status = await computeStatus(svc, { ctx: { exec: localExec, log: log(svc, ctx).for(svc.svcname), dryRun: false, force: false } });
  await writeStatusCache(svc.varDir, status);
  return status;
}

/** Builds the service and recomputes its status (the slow path of `print status`). */
export async function refreshStatus(ctx: CommandContext): Promise<ServiceStatus> {
  return refresh(await load(ctx), ctx);
}

export function action(name: string) {
  return async (ctx: CommandContext): Promise<number> => {
    const svc = await load(ctx);
    const o = ctx.options;
    await runAction(svc, name, {
      exec: localExec,
      log: log(svc, ctx),
      selection: {
        ...(o['rid'] ? { rids: o['rid'] as string[] } : {}),
        ...(o['tags'] ? { tags: o['tags'] as string[] } : {}),
        ...(o['subsets'] ? { subsets: o['subsets'] as string[] } : {}),
      },
      dryRun: o['dry-run'] === true,
      force: o['force'] === true,
      disableRollback: o['disable-rollback'] === true,
      ...(typeof o['waitlock'] === 'number' ? { waitlock: o['waitlock'] } : {}),
      after: async (s) => {
        if (o['dry-run'] !== true) await refresh(s, ctx);
      },
    });
    return 0;
  };
}
