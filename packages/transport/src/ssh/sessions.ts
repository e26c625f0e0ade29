// The node's ssh sessions as the engine holds them: the node's key and
// known_hosts, and one pool opened on first use. ssh2 is imported only
// then, so commands that never reach a guest over ssh never load it.
import type { Exec } from '@capsule/core';
import type { SshEndpoint, SshPool } from './pool.js';

export interface SshDefaults {
  /** The node's private key (`[ssh] identity_file` in node.conf). */
  identityFile: string;
  /** The node's known_hosts (`[ssh] known_hosts`). */
  knownHosts: string;
  connectTimeoutMs?: number;
}

export type SshTarget = Pick<SshEndpoint, 'host' | 'user'> & Partial<Omit<SshEndpoint, 'host' | 'user'>>;

export class SshSessions {
  private pool?: Promise<SshPool>;

  constructor(readonly defaults: SshDefaults) {}

  endpoint(t: SshTarget): SshEndpoint {
    return { connectTimeoutMs: this.defaults.connectTimeoutMs, identityFile: this.defaults.identityFile, knownHosts: this.defaults.knownHosts, ...withoutUndefined(t) };
  }

  private open(): Promise<SshPool> {
    this.pool ??= import('./pool.js').then(({ SshPool }) => new SshPool());
    return this.pool;
  }

  /** An Exec on the target host over the pooled connection. */
  exec(t: SshTarget): Exec {
    const e = this.endpoint(t);
    return async (argv, o) => {
      const [pool, { sshExec }] = await Promise.all([this.open(), import('./exec.js')]);
      return sshExec(pool, e)(argv, o);
    };
  }

  async copyTo(t: SshTarget, local: string, remote: string): Promise<void> {
    const [pool, { sshCopyTo }] = await Promise.all([this.open(), import('./exec.js')]);
    await sshCopyTo(pool, this.endpoint(t), local, remote);
  }

  async copyFrom(t: SshTarget, remote: string, local: string): Promise<void> {
    const [pool, { sshCopyFrom }] = await Promise.all([this.open(), import('./exec.js')]);
    await sshCopyFrom(pool, this.endpoint(t), remote, local);
  }

  /** Closes the connections, if any were opened. */
  async close(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    if (p) await (await p).close();
  }
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
