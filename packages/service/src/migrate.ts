// Moving a service to another node: `switch` (stop here, start there) and
// `migrate` (the containers move live, with their guests running). While a
// migration runs, a `migrating` marker naming this process marks the service
// so that no orchestrator fails it over half-way (marker.ts); the status
// shows it, and it is removed however the move ends, interrupted included.
import { CapsuleError, errorFromJson, isContainerResource, type ContainerContext, type ContainerResource, type Exec } from '@capsule/core';
import { rm } from 'node:fs/promises';
import type { ActionOptions } from './actions.js';
import { contextFor } from './context.js';
import { wasInterrupted } from './interrupted.js';
import { migratingFile, writeMigrating } from './marker.js';
import type { Service, ServiceResource } from './model.js';

/** Another node of the cluster, reached through the transport (ssh2 in production). */
export interface Peer {
  node: string;
  exec: Exec;
}
export type Peers = (node: string) => Peer | undefined;

interface Movers {
  start(list: ServiceResource[]): Promise<void>;
  stop(list: ServiceResource[]): Promise<void>;
}

function destination(svc: Service, o: ActionOptions, action: string): Peer {
  const to = o.to;
  if (!to) throw new CapsuleError('UsageError', `${action} needs --to NODE`, { hint: `svcmgr -s ${svc.svcname} ${action} --to ${svc.nodes.find((n) => n !== svc.nodename) ?? 'NODE'}` });
  if (to === svc.nodename || ![...svc.nodes, ...svc.drpnodes].includes(to)) {
    throw new CapsuleError('NotAPeer', `${svc.svcname}: ${to} is not another node of the service (nodes: ${svc.nodes.join(' ')})`, { hint: 'pick another node of nodes or drpnodes' });
  }
  const peer = o.peers?.(to);
  if (!peer) {
    throw new CapsuleError('NoPeerTransport', `${svc.svcname}: no way to reach ${to} from ${svc.nodename}`, {
      hint: `declare ${to} and its address in node.conf so that this node can run commands there`,
    });
  }
  return peer;
}

// Cancelled with the action: the peer's svcmgr is killed (its process group, over ssh) rather than left starting.
const onPeer = (peer: Peer, svc: Service, args: string[], o: ActionOptions) => runOnPeer(peer, svc.svcname, args, o.signal);

/** Runs svcmgr on the peer, asking for JSON errors so that their code and hint survive the hop. */
export async function runOnPeer(peer: Peer, svcname: string, args: string[], signal?: AbortSignal): Promise<void> {
  const r = await peer.exec(['svcmgr', '-s', svcname, ...args, '--format', 'json'], signal ? { signal } : {});
  if (r.code === 0) return;
  let body: unknown;
  try {
    body = JSON.parse(r.stderr.trim().split('\n').pop() ?? '');
  } catch {
    body = undefined;
  }
  throw (
    errorFromJson(body, 'ActionFailed', `${peer.node}: `) ??
    new CapsuleError('ActionFailed', `${peer.node}: svcmgr -s ${svcname} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}`, { hint: `see \`svcmgr -s ${svcname} logs\` on ${peer.node}` })
  );
}

/**
 * What can fail on the way to the peer, checked before anything stops here:
 * the membership (when a daemon runs: the peer must be alive), then the
 * peer itself, over the same transport the start will take, running the
 * start it will run, as a dry run (its capsule, its copy of the service,
 * its drivers). A switch that could never work then costs no outage.
 * `--force` skips them, as the administrator's explicit choice.
 */
async function preflight(svc: Service, o: ActionOptions, peer: Peer): Promise<void> {
  if (o.force) {
    o.log.for(svc.svcname).warn(`switch --force: the checks that ${peer.node} can take the service are skipped`);
    return;
  }
  await o.peerCheck?.(peer.node);
  if (o.dryRun) return;
  o.log.for(svc.svcname).info(`switch to ${peer.node}: checking that ${peer.node} can start it (start --dry-run there)`);
  await onPeer(peer, svc, ['start', '--dry-run'], o);
}

async function switchService(svc: Service, o: ActionOptions, m: Movers): Promise<void> {
  const peer = destination(svc, o, 'switch');
  const log = o.log.for(svc.svcname);
  await preflight(svc, o, peer);
  log.info(`switch to ${peer.node}: stopping here`);
  // Marked as moving, so that no daemon places the service while it is down on both nodes.
  await writeMigrating(svc.varDir, 'switch', peer.node, o.clock ? { clock: o.clock } : {});
  try {
    await o.announce?.();
    await o.encap?.beforeStop(svc, 'stop', o);
    const here = svc.resources.filter((r) => r.resource && !r.standby);
    await m.stop(here);
    try {
      // --from: this node hands the service over; the peer does not count it as running it elsewhere.
      await onPeer(peer, svc, ['start', '--from', svc.nodename], o);
      log.info(`switched to ${peer.node}`);
    } catch (e) {
      log.error(`start on ${peer.node} failed: ${(e as Error).message}`);
      // Interrupted: nothing more is started, here either; the interruption says what is left up.
      if (!o.disableRollback && !wasInterrupted(o)) {
        log.info('rollback: starting the service here again');
        await m.start(here);
        await o.encap?.afterStart(svc, 'start', o);
      }
      throw e;
    }
  } finally {
    await rm(migratingFile(svc.varDir), { force: true });
  }
}

async function migrateService(svc: Service, o: ActionOptions, m: Movers): Promise<void> {
  const containers = svc.resources.filter((r): r is ServiceResource & { resource: ContainerResource } => !!r.resource && isContainerResource(r.resource));
  const movable = containers.filter((r) => r.capabilities?.liveMigrate && r.resource.migrate);
  if (!containers.length || movable.length !== containers.length) {
    const stuck = containers.filter((r) => !movable.includes(r)).map((r) => `${r.rid} (${r.type ?? '?'})`);
    throw new CapsuleError('MigrationUnsupported', `${svc.svcname}: ${stuck.length ? `${stuck.join(', ')} cannot migrate live` : 'no container to migrate'}`, {
      hint: `use \`svcmgr -s ${svc.svcname} switch --to ${o.to ?? 'NODE'}\` (stop here, start there)`,
    });
  }
  const peer = destination(svc, o, 'migrate');
  await o.peerCheck?.(peer.node);
  const signal = o.signal ?? new AbortController().signal;
  const ctx = (r: ServiceResource) => contextFor(r.resource!, o, o.log.for(r.rid), signal) as ContainerContext;
  const to = { node: peer.node, exec: peer.exec };
  for (const r of movable) await r.resource.precheckMigration?.(ctx(r), to);
  await writeMigrating(svc.varDir, 'migrate', peer.node, o.clock ? { clock: o.clock } : {});
  try {
    await o.announce?.();
    // What is not a container (addresses, filesystems on the hypervisor) moves the ordinary way.
    await m.stop(svc.resources.filter((r) => r.resource && !r.encap && r.group !== 'container' && !r.standby));
    for (const r of movable) {
      o.log.for(r.rid).info(`migrate ${r.resource.guestName} live to ${peer.node}`);
      if (!o.dryRun) await r.resource.migrate!(ctx(r), to);
    }
    // The containers already run there: the peer's start leaves them alone and starts the rest.
    if (!o.dryRun) await onPeer(peer, svc, ['start', '--from', svc.nodename], o);
  } finally {
    await rm(migratingFile(svc.varDir), { force: true });
  }
}

export const migrationActions: Readonly<Record<string, (svc: Service, o: ActionOptions, m: Movers) => Promise<void>>> = {
  switch: switchService,
  migrate: migrateService,
};
