// A service of this node built with the installed drivers, and its status
// refreshed (resources and guests in parallel, the cache written): what
// `svcmgr` does before an action or `print status --refresh`, and what the
// agent daemon does every status round.
import { envSeconds, systemClock } from '@capsule/core';
import { readNodeConfig, sshDefaults, type NodeConfig } from '@capsule/config';
import { computeStatus, disposeService, encapStatuses, openService, ServiceLog, writeStatusCache, type Service, type ServiceStatus } from '@capsule/service';
import { localExec, SshSessions } from '@capsule/transport';
import { drivers, keywordRegistry } from './drivers.js';
import type { NodeContext } from './node.js';

export interface LoadedService {
  svc: Service;
  /** The node's ssh sessions. */
  ssh: SshSessions;
  /** node.conf as the service was loaded with. */
  conf: NodeConfig;
  /** Closes what the resources opened and the ssh sessions; call once the command is done. Returns what failed to close. */
  close(): Promise<string[]>;
}

export interface RefreshOptions {
  /** Ask each guest to refresh its own status too (`--refresh` passed down). */
  refreshGuests: boolean;
  /** Where log lines go besides the service's log file (a terminal); nowhere when absent. */
  echo?: (line: string) => void;
}

/** `action`: the action about to run, checked against the service's nodes (force overrides). */
export async function loadService(ctx: NodeContext, svcname: string, action?: { name: string; force: boolean }): Promise<LoadedService> {
  const [registry, conf] = await Promise.all([drivers(ctx), readNodeConfig(ctx.root)]);
  const svc = await openService({
    root: ctx.root,
    nodename: ctx.nodename,
    svcname,
    registry: keywordRegistry(ctx),
    drivers: { load: (group: string, type?: string) => registry.loadDriver(group, type) },
    nodeConf: conf,
    ...(action ? { action } : {}),
  });
  const ssh = new SshSessions(sshDefaults(conf, ctx.root));
  return {
    svc,
    ssh,
    conf,
    close: async () => {
      const [warnings] = await Promise.all([disposeService(svc), ssh.close()]);
      return warnings;
    },
  };
}

export function serviceLog(svc: Service, echo?: (line: string) => void): ServiceLog {
  return new ServiceLog(svc.varDir, svc.env, echo ?? (() => undefined));
}

/** CAPSULE_GUEST_STATUS_TIMEOUT (seconds) bounds each guest's `json status`; 30 s by default. */
function guestStatusTimeoutMs(ctx: NodeContext): number | undefined {
  const s = envSeconds(ctx.env, 'CAPSULE_GUEST_STATUS_TIMEOUT');
  return s === undefined ? undefined : s * 1000;
}

/** Recomputes the status of a loaded service and writes the status cache. */
export async function refreshStatus(ctx: NodeContext, { svc, ssh }: Pick<LoadedService, 'svc' | 'ssh'>, o: RefreshOptions): Promise<ServiceStatus> {
  const runtime = { exec: localExec, clock: systemClock, ssh };
  const l = serviceLog(svc, o.echo);
  const call = { runtime, log: l.for(svc.svcname) };
  // Guests are asked while the local resources are checked: one guest query's time, not one per guest.
  const status = await computeStatus(svc, { ...call, encap: () => encapStatuses(svc, call, o.refreshGuests, guestStatusTimeoutMs(ctx)) });
  await writeStatusCache(svc.varDir, status);
  await l.flush();
  return status;
}

/** Builds the service and recomputes its status: its spec (how to orchestrate it) and a fresh status. */
export async function inspectService(ctx: NodeContext, svcname: string, o: RefreshOptions): Promise<{ svc: Service; status: ServiceStatus }> {
  const loaded = await loadService(ctx, svcname);
  try {
    return { svc: loaded.svc, status: await refreshStatus(ctx, loaded, o) };
  } finally {
    for (const w of await loaded.close()) o.echo?.(`warning: ${w}\n`);
  }
}
