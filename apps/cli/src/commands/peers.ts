// A service's config as the other nodes hold it, over ssh: their versions,
// fetching a copy, pushing ours, marking a version acknowledged. What to do
// with the answers is replicate.ts's and acknowledge.ts's.
import { asConfigVersion, contentHash, installPeerCopy, parseVersion, peerEndpoint, readClusterInfo, servicePaths, supersedes, type ConfigVersion, type NodeConfig, type PeerInstall } from '@capsule/config';
import { CapsuleError, ErrorCode, type Exec } from '@capsule/core';
import type { SshSessions } from '@capsule/transport';
import { keywordRegistry } from '@capsule/runtime';
import type { CommandContext } from '../spec.js';

const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';

export class Peers {
  private readonly execs = new Map<string, Exec>();

  constructor(
    private readonly ctx: CommandContext,
    readonly svcname: string,
    private readonly ssh: SshSessions,
    private readonly conf: NodeConfig,
  ) {}

  exec(node: string): Exec {
    let e = this.execs.get(node);
    if (!e) this.execs.set(node, (e = this.ssh.exec(peerEndpoint(this.conf, node))));
    return e;
  }

  /** The peer's version, undefined when it has no copy of the service. */
  async version(node: string): Promise<ConfigVersion | undefined> {
    const r = await this.exec(node)(['svcmgr', '-s', this.svcname, 'print', 'config', 'version', '--format', 'json']);
    if (r.code === 0) return parseVersion(r.stdout, node);
    if (/ServiceNotFound|ConfigNotFound/.test(r.stderr)) return undefined;
    throw new CapsuleError(ErrorCode.ConfigPushFailed, `${node}: svcmgr print config version exited ${r.code}: ${lastLine(r.stderr)}`, { hint: `check capsule on ${node}` });
  }

  /** Fetches the peer's copy of `version` and installs it here by lineage. */
  async fetch(node: string, version: ConfigVersion): Promise<PeerInstall> {
    const r = await this.exec(node)(['svcmgr', '-s', this.svcname, 'print', 'config', '--raw']);
    if (r.code !== 0) throw new CapsuleError(ErrorCode.ConfigFetchFailed, `${node}: cannot read its copy of ${this.svcname}: ${lastLine(r.stderr)}`, { hint: `check capsule on ${node}` });
    if (contentHash(r.stdout) !== version.hash) throw new CapsuleError(ErrorCode.ConfigFetchFailed, `${node}: its copy of ${this.svcname} changed while it was fetched`, { hint: 'the next sync takes the new one' });
    const ctx = { nodename: this.ctx.nodename, svcname: this.svcname, root: this.ctx.root, cluster: await readClusterInfo(this.ctx.root) };
    return installPeerCopy(servicePaths(this.ctx.root, this.svcname), r.stdout, version, { registry: keywordRegistry(this.ctx), ctx, from: node });
  }

  /** A vote's first phase on the peer: whether it promised `ballot`, its promise, and its copy. */
  async prepare(node: string, ballot: string): Promise<{ ok: boolean; promised: string; version: ConfigVersion | undefined }> {
    const r = await this.exec(node)(['svcmgr', '-s', this.svcname, 'sync', '--prepare', ballot, '--format', 'json']);
    if (r.code !== 0) throw new Error(lastLine(r.stderr) || `sync --prepare exited ${r.code}`);
    const body = JSON.parse(r.stdout) as { ok?: unknown; promised?: unknown; version?: unknown };
    return { ok: body.ok === true, promised: typeof body.promised === 'string' ? body.promised : '0.', version: body.version === null ? undefined : asConfigVersion(body.version) };
  }

  /** Pushes `text` (of `version`) to the peer: what its `sync --receive` did with it; with `ballot`, a vote's accept. */
  async push(node: string, text: string, version: ConfigVersion, mtimeMs: number, ballot?: string): Promise<PeerInstall> {
    const r = await this.exec(node)(['svcmgr', '-s', this.svcname, 'sync', '--receive', '-', '--from', this.ctx.nodename, '--record', JSON.stringify(version), '--mtime', String(mtimeMs), ...(ballot ? ['--ballot', ballot] : []), '--format', 'json'], { input: text });
    const outcome = (() => {
      try {
        return (JSON.parse(r.stdout) as { outcome?: PeerInstall }).outcome;
      } catch {
        return undefined;
      }
    })();
    if (outcome) return outcome;
    throw new Error(lastLine(r.stderr) || `sync --receive exited ${r.code}`);
  }
}

/** Of the versions peers answered, the one to fetch: it supersedes ours and every other answer. */
export function best(local: ConfigVersion | undefined, answers: ReadonlyMap<string, ConfigVersion | undefined>): { node: string; version: ConfigVersion } | undefined {
  let pick: { node: string; version: ConfigVersion } | undefined;
  for (const [node, version] of answers) {
    if (!version) continue;
    if (local && !supersedes(version, local)) continue;
    if (!pick || supersedes(version, pick.version)) pick = { node, version };
  }
  return pick;
}

export const asRecord = (text: unknown): ConfigVersion | undefined => {
  try {
    return typeof text === 'string' ? asConfigVersion(JSON.parse(text)) : undefined;
  } catch {
    return undefined;
  }
};
