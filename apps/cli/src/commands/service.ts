// Service actions under the lock, and the status refresh: everything that
// builds the service and loads its drivers.
import {
  computeStatus,
  encapChain,
  encapStatuses,
  resolveTargets,
  SUB_ACTIONS,
  openService,
  runAction,
  ServiceLog,
  writeStatusCache,
  type Service,
  type ServiceStatus,
} from '@capsule/service';
import { peerEndpoint, readNodeConfig, sshDefaults } from '@capsule/config';
import { daemonPaths } from '../daemon/paths.js';
import { ask } from '../daemon/socket.js';
import { envSeconds, systemClock } from '@capsule/core';
import { localExec, SshSessions } from '@capsule/transport';
import type { CommandContext } from '../spec.js';
import { drivers, keywordRegistry, serviceName } from './service-config.js';

interface Loaded {
  svc: Service;
  /** The node's ssh sessions: closed by the caller when the command is done. */
  ssh: SshSessions;
}

async function load(ctx: CommandContext, action?: { name: string; force: boolean }): Promise<Loaded> {
  const [registry, conf] = await Promise.all([drivers(ctx), readNodeConfig(ctx.root)]);
  const source = { load: (group: string, type?: string) => registry.loadDriver(group, type) };
  const svc = await openService({
    root: ctx.root,
    nodename: ctx.nodename,
    svcname: serviceName(ctx),
    registry: keywordRegistry(ctx),
    drivers: source,
    nodeConf: conf,
    ...(action ? { action } : {}),
  });
  return { svc, ssh: new SshSessions(sshDefaults(conf, ctx.root)) };
}

/** With --format json, stderr holds only the JSON error: the log goes to its file, not to the terminal. */
function log(svc: Service, ctx: CommandContext): ServiceLog {
  return new ServiceLog(svc.varDir, svc.env, ctx.format === 'json' ? () => undefined : (l) => ctx.err(l));
}

/** CAPSULE_GUEST_STATUS_TIMEOUT (seconds) bounds each guest's `json status`; 30 s by default. */
function guestStatusTimeoutMs(ctx: CommandContext): number | undefined {
  const s = envSeconds(ctx.env, 'CAPSULE_GUEST_STATUS_TIMEOUT');
  return s === undefined ? undefined : s * 1000;
}

async function refresh(svc: Service, ctx: CommandContext, ssh: SshSessions): Promise<ServiceStatus> {
  const runtime = { exec: localExec, clock: systemClock, ssh };
  const l = log(svc, ctx);
  const call = { runtime, log: l.for(svc.svcname) };
  // Guests are asked while the local resources are checked: one guest query's time, not one per guest.
  const status = await computeStatus(svc, { ...call, encap: () => encapStatuses(svc, call, ctx.options['refresh'] === true, guestStatusTimeoutMs(ctx)) });
  await writeStatusCache(svc.varDir, status);
  await l.flush();
  return status;
}

/** Builds the service and recomputes its status (the slow path of `print status`). */
export async function refreshStatus(ctx: CommandContext): Promise<ServiceStatus> {
  const { svc, ssh } = await load(ctx);
  try {
    return await refresh(svc, ctx, ssh);
  } finally {
    await ssh.close();
  }
}

/** The built service and the node's ssh sessions (closed by the caller), for config replication. */
export async function openWithSsh(ctx: CommandContext): Promise<Loaded & { conf: Awaited<ReturnType<typeof readNodeConfig>> }> {
  const loaded = await load(ctx);
  return { ...loaded, conf: await readNodeConfig(ctx.root) };
}

/** The daemon's view of one service: its spec (how to orchestrate it) and a fresh status. */
export async function inspectService(ctx: CommandContext): Promise<{ svc: Service; status: ServiceStatus }> {
  const { svc, ssh } = await load(ctx);
  try {
    return { svc, status: await refresh(svc, ctx, ssh) };
  } finally {
    await ssh.close();
  }
}

export function action(name: string) {
  return async (ctx: CommandContext): Promise<number> => {
    const o = ctx.options;
    // Freezing is this node's business, allowed anywhere; resource actions only on the service's nodes.
    const { svc, ssh } = await load(ctx, name === 'freeze' || name === 'thaw' ? undefined : { name, force: o['force'] === true });
    const selection = {
      ...(o['rid'] ? { rids: o['rid'] as string[] } : {}),
      ...(o['tags'] ? { tags: o['tags'] as string[] } : {}),
      ...(o['subsets'] ? { subsets: o['subsets'] as string[] } : {}),
    };
    const flags = { master: o['master'] === true, slaves: o['slaves'] === true, ...(o['slave'] ? { slave: o['slave'] as string[] } : {}) };
    // Freezing is this node's business; every other action may reach into the containers.
    const targets = name === 'freeze' || name === 'thaw' ? { master: true, guests: [] } : resolveTargets(svc, name, SUB_ACTIONS[name]?.groups, flags, { selection });
    const conf = await readNodeConfig(ctx.root);
    try {
      await runAction(svc, name, {
        peers: (node) => ({ node, exec: ssh.exec(peerEndpoint(conf, node)) }),
        exec: localExec,
        ssh,
        log: log(svc, ctx),
        selection,
        encap: encapChain(targets, keywordRegistry(ctx)),
        dryRun: o['dry-run'] === true,
        force: o['force'] === true,
        disableRollback: o['disable-rollback'] === true,
        clock: systemClock,
        ...(typeof o['to'] === 'string' ? { to: o['to'] } : {}),
        ...(typeof o['waitlock'] === 'number' ? { waitlock: o['waitlock'] } : {}),
        after: async (s) => {
          if (o['dry-run'] !== true) await refresh(s, ctx, ssh);
        },
      });
    } finally {
      await ssh.close();
      // A running agent daemon publishes the new state at once (best effort: no daemon, no harm).
      if (o['dry-run'] !== true) await ask(daemonPaths(ctx.root).socket, { cmd: 'refresh', service: svc.svcname }, 10_000).catch(() => undefined);
    }
    return 0;
  };
}
