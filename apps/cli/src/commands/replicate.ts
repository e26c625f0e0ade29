// Config replication between nodes: `svcmgr -s SVC sync` pushes the service
// file (and the files its containers declare) to every other node of the
// service over ssh, to the peers whose copy is older by generation or
// missing; `sync --receive` installs a pushed copy on the receiving side,
// validated, atomically, under the config lock, with the sender's mtime.
import { contentHash, currentVersion, decideSync, installReceived, parseVersion, peerEndpoint, readClusterInfo, servicePaths, withConfigLock, atomicWrite } from '@capsule/config';
import { CapsuleError, ErrorCode, isContainerResource, systemClock, type Exec } from '@capsule/core';
import { randomBytes } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { renderJson } from '../output.js';
import type { CommandContext } from '../spec.js';
import { keywordRegistry, loadService } from '@capsule/runtime';
import { serviceName } from './service-config.js';

interface PeerResult {
  node: string;
  result: 'updated' | 'in sync' | 'newer there' | 'conflict' | 'failed';
  detail?: string;
}

const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';

/** The peer's version, undefined when it has no such service. */
async function peerVersion(exec: Exec, svc: string, node: string) {
  const r = await exec(['svcmgr', '-s', svc, 'print', 'config', 'version', '--format', 'json']);
  if (r.code === 0) return parseVersion(r.stdout, node);
  if (/ServiceNotFound|ConfigNotFound/.test(r.stderr)) return undefined;
  throw new CapsuleError(ErrorCode.ConfigPushFailed, `${node}: svcmgr print config version exited ${r.code}: ${lastLine(r.stderr)}`, { hint: `check capsule on ${node}` });
}

export async function push(ctx: CommandContext): Promise<number> {
  const name = serviceName(ctx);
  const paths = servicePaths(ctx.root, name);
  const loaded = await loadService(ctx, name);
  const { svc, ssh, conf } = loaded;
  try {
    const version = await withConfigLock(paths, name, 'sync', () => currentVersion(paths.config, paths.varDir));
    if (!version) throw new CapsuleError(ErrorCode.ConfigNotFound, `${paths.config} does not exist`, { hint: `svcmgr -s ${name} create` });
    const mtime = (await stat(paths.config)).mtimeMs;
    // Files containers declare (a domain's XML...) travel too, when they live under this node's root.
    const extra = svc.resources
      .flatMap((r) => (r.resource && isContainerResource(r.resource) ? (r.resource.replicatedFiles?.() ?? []) : []))
      .map((f) => relative(ctx.root, resolve(f)))
      .filter((rel) => !rel.startsWith('..'));
    // `--also`: nodes taken out of the service that still hold a copy (the daemon knows): the new file tells them to drop it.
    const also = typeof ctx.options['also'] === 'string' ? ctx.options['also'].split(',').filter(Boolean) : [];
    const peers = [...new Set([...svc.nodes, ...svc.drpnodes, ...also])].filter((n) => n !== ctx.nodename);
    const results = await Promise.all(
      peers.map(async (node): Promise<PeerResult> => {
        const target = peerEndpoint(conf, node);
        const exec = ssh.exec(target);
        try {
          const decision = decideSync(version, await peerVersion(exec, name, node));
          if (decision === 'in sync') return { node, result: 'in sync' };
          if (decision === 'fetch') return { node, result: 'newer there', detail: 'its copy has a later generation: not overwritten' };
          if (decision === 'conflict') return { node, result: 'conflict', detail: 'same generation, different content: edit one of them' };
          const send = async (local: string, args: string[]) => {
            const tmp = `/tmp/capsule-sync-${randomBytes(6).toString('hex')}`;
            await ssh.copyTo(target, local, tmp);
            const r = await exec(['svcmgr', '-s', name, 'sync', '--receive', tmp, '--from', ctx.nodename, ...args, '--format', 'json']);
            if (r.code !== 0) throw new Error(lastLine(r.stderr) || `exit ${r.code}`);
          };
          for (const rel of extra) {
            const local = join(ctx.root, rel);
            const st = await stat(local).catch(() => undefined);
            if (st) await send(local, ['--path', rel, '--mtime', String(st.mtimeMs)]);
          }
          await send(paths.config, ['--generation', String(version.generation), '--hash', version.hash, '--mtime', String(mtime)]);
          return { node, result: 'updated', detail: `generation ${version.generation}` };
        } catch (e) {
          return { node, result: 'failed', detail: (e as Error).message };
        }
      }),
    );
    if (ctx.format === 'json') ctx.out(renderJson(results));
    else for (const r of results) ctx.out(`${r.node}: ${r.result}${r.detail ? ` (${r.detail})` : ''}\n`);
    return results.some((r) => r.result === 'failed' || r.result === 'conflict') ? 1 : 0;
  } finally {
    for (const w of await loaded.close()) if (ctx.format !== 'json') ctx.err(`warning: ${w}\n`);
  }
}

/** The receiving side: a copy pushed by the replication master, in a temporary file. */
export async function receive(ctx: CommandContext): Promise<number> {
  const tmp = String(ctx.options['receive']);
  const from = String(ctx.options['from'] ?? 'a peer');
  const name = serviceName(ctx);
  const paths = servicePaths(ctx.root, name);
  const mtime = Number(ctx.options['mtime']);
  try {
    const text = await readFile(tmp);
    const rel = ctx.options['path'];
    if (typeof rel === 'string') {
      // A container's file: only under this node's root, never outside it.
      const dest = resolve(ctx.root, rel);
      if (relative(ctx.root, dest).startsWith('..')) throw new CapsuleError(ErrorCode.UsageError, `--path ${rel} leaves ${ctx.root}`, { hint: 'paths are relative to CAPSULE_ROOT' });
      await atomicWrite(dest, text, Number.isFinite(mtime) ? { mtime: new Date(mtime) } : {});
      return 0;
    }
    const version = { generation: Number(ctx.options['generation']), hash: String(ctx.options['hash']) };
    if (!Number.isSafeInteger(version.generation) || contentHash(text) !== version.hash) {
      throw new CapsuleError(ErrorCode.ConfigVersionInvalid, `the config pushed by ${from} does not match the version it announced`, { hint: `rerun svcmgr -s ${name} sync on ${from}` });
    }
    const evalCtx = { nodename: ctx.nodename, svcname: name, root: ctx.root, cluster: await readClusterInfo(ctx.root) };
    await installReceived(paths, text, version, { registry: keywordRegistry(ctx), ctx: evalCtx, from, clock: systemClock, ...(Number.isFinite(mtime) ? { mtimeMs: mtime } : {}) });
    return 0;
  } finally {
    await rm(tmp, { force: true });
  }
}
