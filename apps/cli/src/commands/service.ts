// Service actions under the lock, and the status refresh: everything that
// builds the service and loads its drivers.
import { clearStaleMigrating, encapChain, guestsOf, switchEncapsulated, isFrozen, migratingFile, readMigrating, resolveTargets, runAction, SUB_ACTIONS, writeMigrating, type ServiceStatus } from '@capsule/service';
import { peerEndpoint } from '@capsule/config';
import { CapsuleError, ErrorCode, systemClock } from '@capsule/core';
import { inspectService, keywordRegistry, loadService, refreshStatus as refresh, serviceLog, type RefreshOptions } from '@capsule/runtime';
import { ask, daemonPaths } from '@capsule/runtime/daemon';
import { localExec } from '@capsule/transport';
import { interruptOn } from '../interrupt.js';
import type { CommandContext } from '../spec.js';
import { serviceName } from './service-config.js';
import { planTarget, targetOf, writeTarget } from './target.js';
import { rm } from 'node:fs/promises';
import { heldElsewhere } from './elsewhere.js';

/**
 * With --format json, stderr holds only the JSON error: the log goes to its
 * file, not to the terminal; a hypervisor that asks (CAPSULE_PROGRESS=1) gets
 * each log line as it happens, as a `{"progress": LINE}` JSON line before it.
 */
function refreshOptions(ctx: CommandContext): RefreshOptions {
  const progress = ctx.format === 'json' && ctx.env['CAPSULE_PROGRESS'] === '1';
  const echo = ctx.format !== 'json' ? (l: string) => ctx.err(l) : progress ? (l: string) => ctx.err(JSON.stringify({ progress: l.trimEnd() }) + '\n') : undefined;
  return { refreshGuests: ctx.options['refresh'] === true, ...(echo ? { echo } : {}) };
}

/** Builds the service and recomputes its status (the slow path of `print status`). */
export async function refreshStatus(ctx: CommandContext): Promise<ServiceStatus> {
  return (await inspectService(ctx, serviceName(ctx), refreshOptions(ctx))).status;
}

/** A switch's first check: when a daemon runs here, the destination must be alive in its membership. No daemon, no opinion. */
async function peerAlive(ctx: CommandContext, node: string): Promise<void> {
  const d = await ask<{ peers?: Record<string, { alive: boolean; reason?: string }> }>(daemonPaths(ctx.root).socket, { cmd: 'status' }, 3000).catch(() => undefined);
  const p = d?.peers?.[node];
  if (p && !p.alive) {
    throw new CapsuleError(ErrorCode.PeerNotAlive, `${node} is not alive in this node's cluster membership (${p.reason ?? 'lost'}): nothing was stopped`, {
      hint: `check \`nodemgr daemon status\`; bring ${node} back, or switch to another node`,
    });
  }
}

export function action(name: string) {
  return async (ctx: CommandContext): Promise<number> => {
    const o = ctx.options;
    // Freezing is this node's business, allowed anywhere; resource actions only on the service's nodes.
    const loaded = await loadService(ctx, serviceName(ctx), name === 'freeze' || name === 'thaw' ? undefined : { name, force: o['force'] === true });
    const { svc, ssh, conf } = loaded;
    // A failover service another node holds is not started a second time here (the daemons would stop one copy after both ran).
    if (name === 'start' && svc.topology === 'failover' && o['force'] !== true && o['dry-run'] !== true) {
      const other = await heldElsewhere(ctx.root, ctx.nodename, svc.svcname, { failover: true, handing: typeof o['from'] === 'string' ? [o['from']] : [] });
      if (other) {
        await loaded.close();
        throw new CapsuleError(ErrorCode.RunningElsewhere, `${svc.svcname} runs on ${other}: a failover service runs on one node, nothing was started on ${ctx.nodename}`, {
          hint: `svcmgr -s ${svc.svcname} switch --to ${ctx.nodename} moves it here; --force starts it here all the same`,
          details: { node: other },
        });
      }
    }
    // switch --to GUEST: the encapsulated level moves between containers, by the container running it here.
    if (name === 'switch' && typeof o['to'] === 'string' && svc.level === 'hypervisor' && svc.encapnodes.includes(o['to'])) {
      try {
        const log = serviceLog(svc, refreshOptions(ctx).echo);
        const runtime = { exec: localExec, clock: systemClock, ssh };
        const picked = o['slave'] ? resolveTargets(svc, 'switch', undefined, { slave: o['slave'] as string[] }, { selection: {} }).guests : guestsOf(svc);
        await switchEncapsulated(svc, o['to'], picked, (g) => ({ runtime, log: log.for(g.rid) }), { force: o['force'] === true, dryRun: o['dry-run'] === true });
        if (o['dry-run'] !== true) await refresh(ctx, { svc, ssh }, { ...refreshOptions(ctx), refreshGuests: true });
        return 0;
      } finally {
        await loaded.close();
      }
    }
    // The target first: a daemon that saw the service go down before it saw the target would start it again.
    const wanted = targetOf(name, o);
    const target = wanted && (o['force'] === true || !isFrozen(svc.varDir)) ? await planTarget(ctx, svc.svcname, wanted) : undefined;
    // A start that turns the target started is marked as a move here first, so that no daemon places the service
    // elsewhere while this start runs (the daemons leave a moving service alone); the marker goes once the daemon knows.
    let marked = target?.target === 'started';
    if (marked) {
      // A dead owner's marker is said and removed first (as every action does); a live one (a switch under way) is left to its owner.
      const stale = await clearStaleMigrating(svc.varDir, { unreadable: true });
      if (stale) serviceLog(svc, refreshOptions(ctx).echo).for(svc.svcname).warn(stale);
      if (await readMigrating(svc.varDir)) marked = false;
      else await writeMigrating(svc.varDir, 'start', ctx.nodename);
    }
    if (target) {
      await writeTarget(ctx.root, svc.svcname, target);
      serviceLog(svc, refreshOptions(ctx).echo).for(svc.svcname).info(`target ${target.target} (generation ${target.generation}): the daemons keep it ${target.target} on every node`);
    }
    // From here on a signal cancels the action instead of killing svcmgr under it.
    const interrupt = interruptOn();
    try {
      const selection = {
        ...(o['rid'] ? { rids: o['rid'] as string[] } : {}),
        ...(o['tags'] ? { tags: o['tags'] as string[] } : {}),
        ...(o['subsets'] ? { subsets: o['subsets'] as string[] } : {}),
      };
      const flags = { master: o['master'] === true, slaves: o['slaves'] === true, ...(o['slave'] ? { slave: o['slave'] as string[] } : {}) };
      // Freezing is this node's business; every other action may reach into the containers.
      const targets = name === 'freeze' || name === 'thaw' ? { master: true, guests: [] } : resolveTargets(svc, name, SUB_ACTIONS[name]?.groups, flags, { selection });
      await runAction(svc, name, {
        peers: (node) => ({ node, exec: ssh.exec(peerEndpoint(conf, node)) }),
        peerCheck: (node) => peerAlive(ctx, node),
        announce: () => ask(daemonPaths(ctx.root).socket, { cmd: 'refresh', service: svc.svcname }, 10_000).then(() => undefined, () => undefined),
        exec: localExec,
        ssh,
        log: serviceLog(svc, refreshOptions(ctx).echo),
        selection,
        encap: encapChain(targets, keywordRegistry(ctx)),
        dryRun: o['dry-run'] === true,
        force: o['force'] === true,
        disableRollback: o['disable-rollback'] === true,
        clock: systemClock,
        signal: interrupt.signal,
        ...(typeof o['to'] === 'string' ? { to: o['to'] } : {}),
        ...(typeof o['waitlock'] === 'number' ? { waitlock: o['waitlock'] } : {}),
        after: async (s) => {
          if (o['dry-run'] !== true) await refresh(ctx, { svc: s, ssh }, refreshOptions(ctx));
        },
      });
    } finally {
      interrupt.dispose();
      for (const w of await loaded.close()) refreshOptions(ctx).echo?.(`warning: ${w}\n`);
      // A running agent daemon publishes the new state at once (best effort: no daemon, no harm). The watchdog,
      // acting because the agent no longer answers, says not to wait for it.
      if (o['dry-run'] !== true && ctx.env['CAPSULE_AGENT_SILENT'] !== '1') await ask(daemonPaths(ctx.root).socket, { cmd: 'refresh', service: svc.svcname }, 10_000).catch(() => undefined);
      if (marked) await rm(migratingFile(svc.varDir), { force: true });
    }
    return 0;
  };
}
