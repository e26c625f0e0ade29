// A real etcd cluster for tests (Debian's etcd-server): N members, each
// with its own data directory, on loopback ports or each in a network
// namespace of its own (a test host on the cluster's switch), started with
// the static --initial-cluster bootstrap; members can be killed and started
// again; dispose() kills them all and removes their directories.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sh, until } from './run.js';

export interface EtcdMember {
  name: string;
  /** The network namespace it runs in; none: this one (loopback). */
  ns?: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  proc?: ChildProcess;
  log: string[];
}

export class TestEtcd {
  readonly members: EtcdMember[] = [];
  private dir = '';

  /**
   * `size` members on 127.0.0.1, ports from `port` (client 2k, peer 2k+1);
   * or, with `hosts`, one member per host (its namespace and address), on
   * `port` and `port + 1`.
   */
  static async start(size: number, port: number, hosts?: ReadonlyArray<{ ns: string; addr: string }>): Promise<TestEtcd> {
    const e = new TestEtcd();
    e.dir = await mkdtemp(join(tmpdir(), 'capsule-etcd-'));
    for (let i = 0; i < size; i++) {
      const name = `etcd${i + 1}`;
      const h = hosts?.[i];
      const [addr, client, peer] = h ? [h.addr, port, port + 1] : ['127.0.0.1', port + 2 * i, port + 2 * i + 1];
      e.members.push({ name, ...(h ? { ns: h.ns } : {}), clientUrl: `http://${addr}:${client}`, peerUrl: `http://${addr}:${peer}`, dataDir: join(e.dir, name), log: [] });
    }
    try {
      for (const m of e.members) e.run(m);
      await e.healthy();
    } catch (err) {
      await e.dispose();
      throw err;
    }
    return e;
  }

  get endpoints(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  private run(m: EtcdMember): void {
    const cluster = this.members.map((x) => `${x.name}=${x.peerUrl}`).join(',');
    const inNs = m.ns ? ['ip', 'netns', 'exec', m.ns] : [];
    const p = spawn(inNs[0] ?? 'etcd', [...inNs.slice(1), ...(m.ns ? ['etcd'] : []), '--name', m.name, '--data-dir', m.dataDir, '--listen-client-urls', m.clientUrl, '--advertise-client-urls', m.clientUrl, '--listen-peer-urls', m.peerUrl, '--initial-advertise-peer-urls', m.peerUrl, '--initial-cluster', cluster, '--initial-cluster-state', 'new', '--initial-cluster-token', `capsule-test-${process.pid}`, '--heartbeat-interval', '50', '--election-timeout', '500', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [p.stdout, p.stderr]) s?.on('data', (d: Buffer) => m.log.push(...d.toString().trimEnd().split('\n')));
    m.proc = p;
  }

  /** Every running member answers /health with health true. */
  async healthy(timeoutMs = 30_000): Promise<void> {
    await until(
      'etcd healthy',
      async () => {
        const ok = await Promise.all(this.members.filter((m) => m.proc).map((m) => this.health(m)));
        return ok.every(Boolean);
      },
      timeoutMs,
    );
  }

  /** The member's /health, asked from its own namespace. */
  private async health(m: EtcdMember): Promise<boolean> {
    if (!m.ns) return fetch(`${m.clientUrl}/health`).then((r) => r.json() as Promise<{ health?: string }>).then((j) => j.health === 'true', () => false);
    const out = await sh('ip', 'netns', 'exec', m.ns, 'curl', '-s', '--max-time', '1', `${m.clientUrl}/health`).catch(() => '');
    return /"health":\s*"true"/.test(out);
  }

  /** The member the running ones name as their leader, once they agree on one. */
  async leader(timeoutMs = 30_000): Promise<string> {
    return until(
      'etcd members agreeing on a leader',
      async () => {
        const seen = await Promise.all(this.members.filter((m) => m.proc).map((m) => this.status(m)));
        const leaders = new Set(seen.map((x) => x?.leader));
        const id = seen[0]?.leader;
        if (leaders.size !== 1 || !id) return undefined;
        const i = seen.findIndex((x) => x?.header.member_id === id);
        return i < 0 ? undefined : this.members.filter((m) => m.proc)[i]!.name;
      },
      timeoutMs,
    );
  }

  /** The member's /v3/maintenance/status (its id and its leader's), asked from its own namespace; undefined when it does not answer. */
  private async status(m: EtcdMember): Promise<{ header: { member_id: string }; leader: string } | undefined> {
    const url = `${m.clientUrl}/v3/maintenance/status`;
    const out = m.ns
      ? await sh('ip', 'netns', 'exec', m.ns, 'curl', '-s', '--max-time', '1', '-X', 'POST', '-d', '{}', url).catch(() => '')
      : await fetch(url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(1000) }).then((r) => r.text(), () => '');
    try {
      return JSON.parse(out) as { header: { member_id: string }; leader: string };
    } catch {
      return undefined;
    }
  }

  /** A member dies (SIGKILL): its data directory stays for a restart. */
  async kill(name: string): Promise<void> {
    const m = this.members.find((x) => x.name === name)!;
    const p = m.proc;
    m.proc = undefined;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  }

  /** SIGSTOP freezes a member as a hung host would (a paused leader keeps its term until the others time it out); SIGCONT resumes it. */
  signal(name: string, sig: 'SIGSTOP' | 'SIGCONT'): void {
    const p = this.members.find((x) => x.name === name)?.proc;
    // `ip netns exec` execs etcd in place: the child's pid is etcd's own.
    if (p?.pid && p.exitCode === null) process.kill(p.pid, sig);
  }

  /** A killed member starts again from its data directory. */
  revive(name: string): void {
    const m = this.members.find((x) => x.name === name)!;
    if (!m.proc) this.run(m);
  }

  async dispose(): Promise<void> {
    for (const m of this.members) await this.kill(m.name);
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
