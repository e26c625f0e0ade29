// Config replication between nodes, by lineage (packages/config lineage.ts):
// `svcmgr -s SVC sync` first fetches a copy that supersedes this node's
// from whichever peer has one (an edit made elsewhere is never rolled
// back), then pushes this node's copy to every peer it supersedes.
// `sync --receive -` installs a pushed copy on the receiving side,
// validated, atomically, under the config lock; a copy it refuses exits
// non-zero. `sync --acked KEY` records an acknowledgement (acknowledge.ts),
// `sync --accept ID` / `--dismiss` end a kept copy's life (kept.ts).
import { currentVersion, dropKept, installPeerCopy, prepareCopy, listKept, markAcked, merged, readClusterInfo, recordVersion, relate, peerEndpoint, servicePaths, withConfigLock, atomicWrite, contentHash, readCapped, updateConfig, type ConfigVersion } from '@capsule/config';
import { CapsuleError, ErrorCode, isContainerResource, systemClock } from '@capsule/core';
import { readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { renderJson } from '../output.js';
import type { CommandContext } from '../spec.js';
import { keywordRegistry, loadService, type LoadedService } from '@capsule/runtime';
import { serviceName } from './service-config.js';
import { asRecord, best, Peers } from './peers.js';

export interface PeerResult {
  node: string;
  result: 'updated' | 'in sync' | 'newer there' | 'superseded there' | 'fetched' | 'failed';
  /** The peer holds the version pushed, or one descending from it. */
  holds: boolean;
  detail?: string;
}

/** The nodes a service's copy goes to: its nodes, drpnodes and `also`, not this one. */
export function peersOf(loaded: LoadedService, self: string, also: readonly string[] = []): string[] {
  return [...new Set([...loaded.svc.nodes, ...loaded.svc.drpnodes, ...also])].filter((n) => n !== self);
}

/** Whether a peer whose copy is `theirs` after a push holds `ours` (the same or a descendant). */
export const holds = (theirs: ConfigVersion | undefined, ours: ConfigVersion) => theirs !== undefined && ['same', 'descends'].includes(relate(theirs, ours));

const localVersion = (ctx: CommandContext, name: string) => {
  const paths = servicePaths(ctx.root, name);
  return withConfigLock(paths, name, 'sync', () => currentVersion(paths.config, paths.varDir));
};

export interface ExchangeOptions {
  /** Push this node's copy (else only fetch what supersedes it). */
  push?: boolean;
  /** Ends the wait for versions early once it holds (a majority answered). */
  enoughAnswers?: (answered: readonly string[]) => boolean;
  /** Ends the pushes early once it holds (a majority holds the copy); peers still pending are reported `failed: no answer yet`. */
  enoughHolders?: (results: readonly PeerResult[]) => boolean;
}

/** Resolves when every promise settled or `enough()` holds (a majority answered, a majority holds the copy). */
export function until(promises: readonly Promise<unknown>[], enough: () => boolean): Promise<void> {
  return new Promise<void>((done) => {
    let left = promises.length;
    const check = () => (left === 0 || enough()) && done();
    for (const p of promises) void p.finally(() => (left--, check()));
    check();
  });
}

/**
 * One replication round with `nodes`: fetch what supersedes this node's copy
 * (the best of the answers), then push this copy where it is not held.
 */
export async function exchange(ctx: CommandContext, name: string, loaded: LoadedService, nodes: readonly string[], o: ExchangeOptions = { push: true }): Promise<{ version: ConfigVersion; results: PeerResult[] }> {
  const paths = servicePaths(ctx.root, name);
  const peers = new Peers(ctx, name, loaded.ssh, loaded.conf);
  const answers = new Map<string, ConfigVersion | undefined>();
  const failed = new Map<string, string>();
  const results: PeerResult[] = [];
  const answered = () => [...answers.keys()];
  const asked = nodes.map((n) => peers.version(n).then((v) => void answers.set(n, v), (e: Error) => void failed.set(n, e.message)));
  await until(asked, () => o.enoughAnswers?.(answered()) ?? false);
  const pick = best(await localVersion(ctx, name), answers);
  let fetched: PeerResult | undefined;
  if (pick) {
    try {
      const outcome = await peers.fetch(pick.node, pick.version);
      fetched = { node: pick.node, result: 'fetched', holds: outcome === 'installed' || outcome === 'superseded' || outcome === 'in sync', detail: `generation ${pick.version.generation}${outcome === 'superseded' ? `; this node's diverged copy kept (svcmgr -s ${name} print status)` : ''}` };
    } catch (e) {
      fetched = { node: pick.node, result: 'failed', holds: false, detail: `fetch: ${(e as Error).message}` };
    }
  }
  const version = await localVersion(ctx, name);
  if (!version) throw new CapsuleError(ErrorCode.ConfigNotFound, `${paths.config} does not exist`, { hint: `svcmgr -s ${name} create` });
  // The peer fetched from holds what this node now has only if this node took its copy and kept it since.
  if (fetched) results.push({ ...fetched, holds: fetched.holds && holds(pick!.version, version) });
  if (!o.push) return { version, results };
  const [text, mtime] = await Promise.all([readFile(paths.config, 'utf8'), stat(paths.config).then((s) => s.mtimeMs)]);
  if (contentHash(text) !== version.hash) throw new CapsuleError(ErrorCode.ConfigConflict, `${paths.config} changed during the sync`, { hint: 'retry' });
  const extra = containerFiles(ctx, loaded);
  const one = async (node: string): Promise<PeerResult> => {
    if (failed.has(node)) return { node, result: 'failed', holds: false, detail: failed.get(node)! };
    // Still asked (the wait ended early): asked again, now.
    const theirs = answers.has(node) ? answers.get(node) : await peers.version(node);
    if (holds(theirs, version)) return { node, result: theirs!.hash === version.hash ? 'in sync' : 'newer there', holds: true };
    for (const rel of extra) await sendFile(ctx, loaded, peers, node, rel);
    const outcome = await peers.push(node, text, version, mtime);
    if (outcome === 'installed') return { node, result: 'updated', holds: true, detail: `generation ${version.generation}` };
    if (outcome === 'superseded') return { node, result: 'superseded there', holds: true, detail: `generation ${version.generation}; its diverged copy kept there` };
    if (outcome === 'in sync') return { node, result: 'in sync', holds: true };
    if (outcome === 'newer here') return { node, result: 'newer there', holds: true, detail: 'its copy descends from this one' };
    return { node, result: 'newer there', holds: false, detail: 'its diverged copy prevails: fetched by the next sync' };
  };
  const pending = new Set(nodes);
  const pushed = nodes.map((n) =>
    one(n)
      .catch((e: Error): PeerResult => ({ node: n, result: 'failed', holds: false, detail: e.message }))
      .then((r) => {
        if (pending.delete(n)) results.push(r);
      }),
  );
  await until(pushed, () => o.enoughHolders?.(results.filter((r) => r.result !== 'fetched')) ?? false);
  for (const n of [...pending]) {
    pending.delete(n);
    results.push({ node: n, result: 'failed', holds: false, detail: 'no answer yet' });
  }
  return { version, results };
}

/** Files containers declare (a domain's XML...) travel too, when they live under this node's root. */
function containerFiles(ctx: CommandContext, loaded: LoadedService): string[] {
  return loaded.svc.resources
    .flatMap((r) => (r.resource && isContainerResource(r.resource) ? (r.resource.replicatedFiles?.() ?? []) : []))
    .map((f) => relative(ctx.root, resolve(f)))
    .filter((rel) => !rel.startsWith('..'));
}

async function sendFile(ctx: CommandContext, loaded: LoadedService, peers: Peers, node: string, rel: string): Promise<void> {
  const local = join(ctx.root, rel);
  const st = await stat(local).catch(() => undefined);
  if (!st) return;
  const tmp = `/tmp/capsule-sync-${randomBytes(6).toString('hex')}`;
  await loaded.ssh.copyTo(peerEndpoint(loaded.conf, node), local, tmp);
  const r = await peers.exec(node)(['svcmgr', '-s', peers.svcname, 'sync', '--receive', tmp, '--path', rel, '--mtime', String(st.mtimeMs)]);
  if (r.code !== 0) throw new Error(r.stderr.trim().split('\n').pop() || `exit ${r.code}`);
}

export function printResults(ctx: CommandContext, results: readonly PeerResult[]): void {
  if (ctx.format === 'json') ctx.out(renderJson(results));
  else for (const r of results) ctx.out(`${r.node}: ${r.result}${r.detail ? ` (${r.detail})` : ''}\n`);
}

/** `svcmgr -s SVC sync`. */
export async function push(ctx: CommandContext): Promise<number> {
  if (typeof ctx.options['prepare'] === 'string') return prepare(ctx);
  if (typeof ctx.options['acked'] === 'string') return acked(ctx);
  if (typeof ctx.options['accept'] === 'string' || ctx.options['dismiss']) return accept(ctx);
  const name = serviceName(ctx);
  const loaded = await loadService(ctx, name);
  try {
    // `--also`: nodes taken out of the service that still hold a copy (the daemon knows): the new file tells them to drop it.
    const also = typeof ctx.options['also'] === 'string' ? ctx.options['also'].split(',').filter(Boolean) : [];
    const { results } = await exchange(ctx, name, loaded, peersOf(loaded, ctx.nodename, also), { push: true });
    printResults(ctx, results);
    return results.some((r) => r.result === 'failed') ? 1 : 0;
  } finally {
    for (const w of await loaded.close()) if (ctx.format !== 'json') ctx.err(`warning: ${w}\n`);
  }
}

/** The receiving side: a copy pushed by a peer, on standard input (or a container's file in a temporary one). */
export async function receive(ctx: CommandContext): Promise<number> {
  const src = String(ctx.options['receive']);
  const from = String(ctx.options['from'] ?? 'a peer');
  const name = serviceName(ctx);
  const paths = servicePaths(ctx.root, name);
  const mtime = Number(ctx.options['mtime']);
  const rel = ctx.options['path'];
  if (typeof rel === 'string') {
    try {
      // A container's file: only under this node's root, never outside it.
      const dest = resolve(ctx.root, rel);
      if (relative(ctx.root, dest).startsWith('..')) throw new CapsuleError(ErrorCode.UsageError, `--path ${rel} leaves ${ctx.root}`, { hint: 'paths are relative to CAPSULE_ROOT' });
      await atomicWrite(dest, await readFile(src), Number.isFinite(mtime) ? { mtime: new Date(mtime) } : {});
      return 0;
    } finally {
      const { rm } = await import('node:fs/promises');
      await rm(src, { force: true });
    }
  }
  const text = await readCapped(src === '-' ? process.stdin : src, `the copy pushed by ${from}`);
  const version = asRecord(ctx.options['record']);
  if (!version || contentHash(text) !== version.hash) {
    throw new CapsuleError(ErrorCode.ConfigVersionInvalid, `the config pushed by ${from} does not match the version it announced`, { hint: `rerun svcmgr -s ${name} sync on ${from}` });
  }
  const { deletedLine, clearTombstone } = await import('./lifecycle.js');
  // Checked under the config lock with the install, so that a delete cannot land between the two.
  const refuse = async (v: ConfigVersion) => {
    const deleted = await deletedLine(ctx.root, name, v);
    if (!deleted) return undefined;
    return new CapsuleError(ErrorCode.ServiceDeleted, `${name} was deleted on ${ctx.nodename} (${deleted.at}, by ${deleted.by}): the copy pushed by ${from} is refused`, {
      hint: `delete it on ${from} too (\`svcmgr -s ${name} delete\`), or \`svcmgr -s ${name} create\` to have it again`,
    });
  };
  const evalCtx = { nodename: ctx.nodename, svcname: name, root: ctx.root, cluster: await readClusterInfo(ctx.root) };
  const ballot = ctx.options['ballot'];
  const outcome = await installPeerCopy(paths, text, version, { registry: keywordRegistry(ctx), ctx: evalCtx, from, clock: systemClock, refuse, ...(typeof ballot === 'string' ? { accept: ballot } : {}), ...(Number.isFinite(mtime) ? { mtimeMs: mtime } : {}) });
  if (outcome === 'installed') await clearTombstone(ctx.root, name);
  ctx.out(ctx.format === 'json' ? renderJson({ outcome }) : `${outcome}\n`);
  // Refused: this node's copy stays, and says so to scripts too.
  return outcome === 'newer here' || outcome === 'prevails here' || outcome === 'promised higher' ? 1 : 0;
}

/** `sync --prepare BALLOT`: a vote's first phase on this node (ballot.ts). */
async function prepare(ctx: CommandContext): Promise<number> {
  const name = serviceName(ctx);
  const r = await prepareCopy(servicePaths(ctx.root, name), name, String(ctx.options['prepare']));
  ctx.out(renderJson({ ok: r.ok, promised: r.promised, version: r.version ?? null }));
  return 0;
}

/** `sync --acked KEY`: records that a majority holds version KEY, if it lies on this node's line. */
async function acked(ctx: CommandContext): Promise<number> {
  const name = serviceName(ctx);
  const paths = servicePaths(ctx.root, name);
  const key = String(ctx.options['acked']);
  const marked = await withConfigLock(paths, name, 'sync --acked', async () => {
    const v = await currentVersion(paths.config, paths.varDir);
    if (!v) return false;
    const m = markAcked(v, key);
    if (!m.acked?.includes(key)) return false;
    if (!v.acked?.includes(key)) await recordVersion(paths.varDir, m);
    return true;
  });
  ctx.out(ctx.format === 'json' ? renderJson({ marked }) : `${marked ? 'marked' : 'not on this line'}\n`);
  return 0;
}

/**
 * `sync --accept ID`: a kept copy becomes the service file again, as a
 * version that descends from the current one and from it (so it replaces
 * both everywhere); `sync --dismiss`: the kept copies are forgotten. Either
 * way the result is acknowledged like any edit (acknowledge.ts).
 */
async function accept(ctx: CommandContext): Promise<number> {
  const name = serviceName(ctx);
  const paths = servicePaths(ctx.root, name);
  const kept = await listKept(paths);
  const id = ctx.options['accept'];
  if (typeof id !== 'string') {
    // Only the copies listed: one kept meanwhile was never seen, and stays.
    await withConfigLock(paths, name, 'sync --dismiss', () => dropKept(paths, kept.map((k) => k.id)));
    ctx.out(`${kept.length} kept cop${kept.length === 1 ? 'y' : 'ies'} of ${name} dismissed\n`);
    return 0;
  }
  const k = kept.find((x) => x.id === id);
  if (!k) {
    throw new CapsuleError('KeptCopyNotFound', `no kept copy ${id} of ${name} on ${ctx.nodename}${kept.length ? ` (kept: ${kept.map((x) => x.id).join(', ')})` : ''}`, { hint: `svcmgr -s ${name} print status lists the kept copies` });
  }
  const text = await readFile(k.file);
  const { acknowledged } = await import('./acknowledge.js');
  return acknowledged(ctx, name, `accept ${id}`, async (o) => {
    const w = await updateConfig(paths, { ...o, lineage: (base, hash) => merged(hash, base ? [base, k.version] : [k.version]) }, `sync --accept ${id}`, () => text);
    await dropKept(paths, [id]);
    return w;
  });
}
