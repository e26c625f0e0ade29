// A service's life on a node: `create` never replaces a service silently,
// `delete` removes its file and state (never while it runs, unless forced),
// `purge` stops it then deletes it; `--cluster` does it on every node of the
// service, the peers first. A deleted service leaves a tombstone
// (var/lib/capsule/.deleted/SVC, naming the version deleted) so that a
// peer's replication does not bring that line back; a service created anew
// (another line) is taken, and clears it, as `create` here does.
import { currentVersion, servicePaths, versionKey, withConfigLock, writeStateFile, type ConfigVersion } from '@capsule/config';
import { CapsuleError, ErrorCode } from '@capsule/core';
import { inspectService, loadService } from '@capsule/runtime';
import { readStatusCache } from '@capsule/service/cache';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CommandContext } from '../spec.js';
import { serviceName } from './service-config.js';
import { Peers } from './peers.js';

const tombstone = (root: string, svc: string) => join(root, 'var/lib/capsule/.deleted', svc);

interface Tombstone {
  at: string;
  by: string;
  /** The line deleted (its key and ancestors): a copy sharing any of them is refused, a service created anew is not. */
  line?: string[];
}

/** Why a peer's copy of `version` is refused here: the service was deleted and the copy belongs to the deleted line. */
export async function deletedLine(root: string, svc: string, version: ConfigVersion): Promise<Tombstone | undefined> {
  const text = await readFile(tombstone(root, svc), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let t: Tombstone;
  try {
    t = JSON.parse(text) as Tombstone;
  } catch {
    return { at: 'unknown', by: 'unknown' };
  }
  if (!t.line?.length) return t;
  const deleted = new Set(t.line);
  // An ancestor, a descendant or a branch of the deleted line all bring it back: refused.
  return [versionKey(version), ...(version.ancestors ?? [])].some((k) => deleted.has(k)) ? t : undefined;
}

export const clearTombstone = (root: string, svc: string) => rm(tombstone(root, svc), { force: true });

/** The resources the last status of this node saw up: what a replaced or deleted file leaves running. */
async function upResources(varDir: string): Promise<string[]> {
  const s = await readStatusCache(varDir);
  return s ? Object.values(s.resources).filter((r) => r.status === 'up' || r.status === 'stdby up').map((r) => r.rid) : [];
}

/**
 * Before `create` writes: an existing file is replaced only with `--force`,
 * kept beside the state files, and what it left running is named.
 */
export async function guardCreate(ctx: CommandContext, content: string): Promise<void> {
  const name = serviceName(ctx);
  const p = servicePaths(ctx.root, name);
  const current = await readFile(p.config, 'utf8').catch(() => undefined);
  if (current === undefined || current === content) return;
  if (ctx.options['force'] !== true) {
    throw new CapsuleError(ErrorCode.ServiceExists, `${name} already exists (${p.config}): nothing was replaced`, {
      hint: `change it with \`svcmgr -s ${name} set\` or \`edit config\`; \`create --force\` replaces it (the old file is kept)`,
    });
  }
  await mkdir(p.varDir, { recursive: true });
  const kept = join(p.varDir, `replaced-${new Date().toISOString().replace(/[:.]/g, '-')}.conf`);
  await writeStateFile(kept, current);
  const up = await upResources(p.varDir);
  ctx.err(`${name}: replaced ${p.config}; the old file is kept in ${kept}${up.length ? `; still running from it: ${up.join(', ')} (stop them, or start the service to take them over)` : ''}\n`);
}

async function deleteHere(ctx: CommandContext, name: string): Promise<void> {
  const p = servicePaths(ctx.root, name);
  const exists = await stat(p.config).then(
    () => true,
    () => false,
  );
  if (!exists) throw new CapsuleError(ErrorCode.ServiceNotFound, `${name} does not exist on ${ctx.nodename}`, { hint: 'svcmgr ls lists the services here' });
  if (ctx.options['force'] !== true) {
    // A fresh look, not the cache: a resource still up would be left running unmanaged.
    const { status } = await inspectService(ctx, name, { refreshGuests: true });
    const up = Object.values(status.resources)
      .filter((r) => r.status === 'up' || r.status === 'warn' || r.status === 'stdby up')
      .map((r) => r.rid);
    const encapUp = Object.values(status.encap).flatMap((e) => Object.values(e.resources).filter((r) => r.status === 'up').map((r) => `${r.rid} in ${e.guest}`));
    if (up.length || encapUp.length) {
      throw new CapsuleError(ErrorCode.ServiceRunning, `${name} still runs on ${ctx.nodename} (${[...up, ...encapUp].join(', ')}): nothing was deleted`, {
        hint: `stop it first (\`svcmgr -s ${name} stop\`), or \`purge\` to stop and delete; --force deletes it and leaves them running`,
      });
    }
  }
  await mkdir(dirname(tombstone(ctx.root, name)), { recursive: true });
  // Tombstone and file under the config lock (a copy received meanwhile is checked against it under the same
  // lock); the state directory, which holds the lock, goes after.
  await withConfigLock(p, name, 'delete', async () => {
    const version = await currentVersion(p.config, p.varDir);
    const t: Tombstone = { at: new Date().toISOString(), by: ctx.nodename, ...(version ? { line: [versionKey(version), ...(version.ancestors ?? [])] } : {}) };
    await writeStateFile(tombstone(ctx.root, name), JSON.stringify(t) + '\n');
    await rm(p.config, { force: true });
  });
  await rm(p.varDir, { recursive: true, force: true });
  ctx.err(`${name}: deleted on ${ctx.nodename} (${p.config} and ${p.varDir}; scripts under ${join(ctx.root, 'etc/capsule', `${name}.d`)} are left)\n`);
}

/** `--cluster`: the same command on every other node of the service first, over ssh; any refusal stops before this node. */
async function onPeers(ctx: CommandContext, name: string, command: string): Promise<void> {
  const loaded = await loadService(ctx, name);
  try {
    const peers = new Peers(ctx, name, loaded.ssh, loaded.conf);
    const nodes = [...new Set([...loaded.svc.nodes, ...loaded.svc.drpnodes])].filter((n) => n !== ctx.nodename);
    const failed: string[] = [];
    await Promise.all(
      nodes.map(async (n) => {
        const r = await peers.exec(n)(['svcmgr', '-s', name, command, ...(ctx.options['force'] === true ? ['--force'] : [])]).catch((e: Error) => ({ code: 255, stdout: '', stderr: e.message }));
        if (r.code !== 0 && !/ServiceNotFound|does not exist/.test(r.stderr)) failed.push(`${n}: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`}`);
        else ctx.err(`${n}: ${command} done\n`);
      }),
    );
    if (failed.length) {
      throw new CapsuleError(ErrorCode.ActionFailed, `${command} --cluster: ${failed.join('; ')}; ${name} was left on ${ctx.nodename}`, { hint: `fix those nodes, then run it again` });
    }
  } finally {
    await loaded.close();
  }
}

export async function del(ctx: CommandContext): Promise<number> {
  const name = serviceName(ctx);
  if (ctx.options['cluster'] === true) await onPeers(ctx, name, 'delete');
  await deleteHere(ctx, name);
  return 0;
}

export async function purge(ctx: CommandContext): Promise<number> {
  const name = serviceName(ctx);
  const { action } = await import('./service.js');
  const cluster = ctx.options['cluster'] === true;
  // --cluster: the target turns stopped everywhere first, so no daemon starts it anywhere while the nodes purge;
  // otherwise the stop is this node's alone.
  await action('stop')({ ...ctx, options: { ...ctx.options, local: !cluster, cluster: undefined } });
  if (cluster) await onPeers(ctx, name, 'purge');
  await deleteHere(ctx, name);
  return 0;
}
