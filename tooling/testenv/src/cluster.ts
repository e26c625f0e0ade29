// A test cluster: nodes as network namespaces plugged into one switch, each
// with its own CAPSULE_ROOT, node.conf and agent daemon (the built nodemgr),
// and a client namespace. Nodes can be powered off (every process killed
// with SIGKILL, the link taken down), booted again (runtime state gone as
// after a reboot) and cut from each other; all of it is removed on dispose.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localExec } from '@capsule/transport';
import { killAllIn, pidInNamespace, TestNetwork, type TestHost, type TestSwitch } from './netns.js';
import { sh, until } from './run.js';
import { TestEtcd } from './etcd.js';
import { startSshd, type TestSshd } from './sshd.js';

export interface ClusterNode {
  name: string;
  host: TestHost;
  root: string;
  /** The node's own address on the switch. */
  addr: string;
  daemon?: ChildProcess;
  log: string[];
  sshd?: TestSshd;
}

/** What the tests read of `nodemgr daemon status --format json`. */
export interface DaemonStatus {
  ready: boolean;
  quorum: { quorum: boolean; reason: string };
  counters?: { sent: number };
}

/** A node's agent is not running: no pid file, or its pid is not alive in the node's namespace. */
export class NoAgent extends Error {
  override name = 'NoAgent';
  constructor(readonly node: string) {
    super(`no agent runs on ${node}`);
  }
}

export interface TestClusterOptions {
  nodes: string[];
  /** The built nodemgr entry point (apps/cli/dist/bin/nodemgr.js). */
  nodemgr: string;
  secret?: string;
  interval?: string;
  timeout?: string;
  /** `[cluster] quorum = true`. */
  fence?: boolean;
  port?: number;
  /** The heartbeat type; multicast goes to one group (239.255.100.1) on the switch. */
  hb?: 'unicast' | 'multicast';
  /** An arbitrator in the client's namespace (198.51.100.50), on port + 1. */
  arbitrator?: boolean;
  /** An OpenSSH server on every node (port 22 of its address): peers run svcmgr there (switch, migrate). */
  ssh?: boolean;
  /** Extra environment of a node's daemon and CLI (simulated tools first on PATH, their shared state). */
  env?: (n: ClusterNode) => Record<string, string>;
  /** `backend = etcd`: an etcd cluster of this many members, each a host of its own on the switch (198.51.100.61...). */
  etcd?: number;
}

export class TestCluster {
  readonly nodes = new Map<string, ClusterNode>();
  client!: TestHost;
  private readonly net = new TestNetwork();
  private sw!: TestSwitch;
  private dir!: string;
  readonly secret: string;

  constructor(private readonly o: TestClusterOptions) {
    this.secret = o.secret ?? 'test-cluster-secret-0123456789abcdef';
  }

  static async create(o: TestClusterOptions): Promise<TestCluster> {
    const c = new TestCluster(o);
    try {
      await c.init();
    } catch (e) {
      await c.dispose();
      throw e;
    }
    return c;
  }

  private async init(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'capsule-cluster-'));
    this.sw = await this.net.switch();
    let i = 1;
    for (const name of this.o.nodes) {
      const host = await this.net.host();
      const addr = `198.51.100.${i++}`;
      await this.sw.attach(host, 'eth0', `${addr}/24`);
      const root = join(this.dir, name);
      await mkdir(join(root, 'etc/capsule'), { recursive: true });
      this.nodes.set(name, { name, host, root, addr, log: [] });
    }
    this.client = await this.net.host();
    await this.sw.attach(this.client, 'eth0', '198.51.100.50/24');
    const ssh = this.o.ssh ? await this.sshSetup() : '';
    const etcd = this.o.etcd ? await this.etcdSetup(this.o.etcd) : '';
    const arb = this.o.arbitrator ? `\n[arbitrator#1]\naddress = 198.51.100.50:${(this.o.port ?? 10000) + 1}\n` : '';
    for (const n of this.nodes.values()) await writeFile(join(n.root, 'etc/capsule/node.conf'), this.nodeConf(arb + ssh, etcd), { mode: 0o600 });
    if (this.o.arbitrator) {
      const root = join(this.dir, 'arbitrator');
      await mkdir(join(root, 'etc/capsule'), { recursive: true });
      await writeFile(join(root, 'etc/capsule/node.conf'), `[cluster]\nname = test\nnodes = ${this.o.nodes.join(' ')}\nsecret = ${this.secret}\n${arb}`, { mode: 0o600 });
      this.arbitratorLog = [];
      const child = spawn('ip', ['netns', 'exec', this.client.ns, process.execPath, this.o.nodemgr, 'arbitrator', 'run'], {
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CAPSULE_ROOT: root, CAPSULE_NODENAME: 'arbitrator' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      for (const s of [child.stdout, child.stderr]) s.on('data', (d: Buffer) => this.arbitratorLog.push(...d.toString().trimEnd().split('\n')));
    }
  }

  arbitratorLog: string[] = [];

  /** One key for the whole cluster, every node's sshd trusting it, one known_hosts naming every node. */
  private async sshSetup(): Promise<string> {
    const dir = join(this.dir, 'ssh');
    await mkdir(dir, { recursive: true });
    await sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'capsule-cluster', '-f', join(dir, 'id_ed25519'));
    const pub = (await readFile(join(dir, 'id_ed25519.pub'), 'utf8')).trim();
    const known: string[] = [];
    for (const n of this.nodes.values()) {
      const bin = join(n.root, 'bin');
      await mkdir(bin, { recursive: true });
      for (const p of ['svcmgr', 'nodemgr']) {
        await writeFile(join(bin, p), `#!/bin/sh\nexec ${process.execPath} ${join(this.o.nodemgr, '..', `${p}.js`)} "$@"\n`, { mode: 0o755 });
      }
      n.sshd = await startSshd(n.host, n.addr, { authorizedKeys: [pub], setEnv: { CAPSULE_ROOT: n.root, CAPSULE_NODENAME: n.name, PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin` } });
      known.push(`${n.addr} ${n.sshd.hostPublicKey}`);
    }
    await writeFile(join(dir, 'known_hosts'), known.join('\n') + '\n');
    return `\n[ssh]\nidentity_file = ${join(dir, 'id_ed25519')}\nknown_hosts = ${join(dir, 'known_hosts')}\nconnect_timeout = 3\n`;
  }

  /** The etcd members, each in a host of its own on the switch; the [cluster] lines that use them. */
  private async etcdSetup(size: number): Promise<string> {
    const hosts = [];
    for (let i = 0; i < size; i++) {
      const host = await this.net.host();
      const addr = `198.51.100.${61 + i}`;
      await this.sw.attach(host, 'eth0', `${addr}/24`);
      hosts.push({ ns: host.ns, addr });
    }
    this.etcd = await TestEtcd.start(size, 2379, hosts);
    return `backend = etcd\netcd_endpoints = ${this.etcd.endpoints.join(' ')}\netcd_timeout = ${this.o.timeout ?? '3s'}\n`;
  }

  /** The etcd cluster of `etcd`, once created. */
  etcd?: TestEtcd;

  nodeConf(extra = '', clusterExtra = ''): string {
    const addrs = [...this.nodes.values()].map((n) => `addr@${n.name} = ${n.addr}`).join('\n');
    return `[cluster]\nname = test\nnodes = ${this.o.nodes.join(' ')}\nsecret = ${this.secret}\nquorum = ${this.o.fence ? 'true' : 'false'}\n${clusterExtra}\n[hb#1]\ntype = ${this.o.hb ?? 'unicast'}\n${this.o.hb === 'multicast' ? 'group = 239.255.100.1\n' : ''}port = ${this.o.port ?? 10000}\ninterval = ${this.o.interval ?? '1s'}\ntimeout = ${this.o.timeout ?? '3s'}\n${addrs}\n${extra}`;
  }

  node(name: string): ClusterNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  /** Writes a service file on every node; `text` gets the node so paths can name its root. */
  async writeService(svc: string, text: (n: ClusterNode) => string, files: Record<string, (n: ClusterNode) => string> = {}): Promise<void> {
    for (const n of this.nodes.values()) {
      await writeFile(join(n.root, 'etc/capsule', `${svc}.conf`), text(n));
      for (const [rel, body] of Object.entries(files)) {
        const f = join(n.root, rel);
        await mkdir(join(f, '..'), { recursive: true });
        await writeFile(f, body(n), { mode: 0o755 });
      }
    }
  }

  startDaemon(name: string): void {
    const n = this.node(name);
    const child = spawn('ip', ['netns', 'exec', n.host.ns, process.execPath, this.o.nodemgr, 'daemon', 'run'], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CAPSULE_ROOT: n.root, CAPSULE_NODENAME: n.name, ...this.o.env?.(n) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const s of [child.stdout, child.stderr]) s.on('data', (d: Buffer) => n.log.push(...d.toString().trimEnd().split('\n')));
    n.daemon = child;
  }

  /** Runs a CLI program on a node, as root there would. */
  cli(name: string, program: string, args: string[]) {
    const n = this.node(name);
    return n.host.exec([process.execPath, join(this.o.nodemgr, '..', `${program}.js`), ...args], { env: { CAPSULE_ROOT: n.root, CAPSULE_NODENAME: n.name, ...this.o.env?.(n) }, timeoutMs: 60_000 });
  }

  /** As a power cut: every process of the node killed at once, its link down. */
  async powerOff(name: string): Promise<void> {
    const n = this.node(name);
    // killAllIn, not `ip netns pids | xargs kill`: a process that ends between the listing and the kill failed the power cut.
    await killAllIn(n.host.ns);
    await sh('ip', '-n', n.host.ns, 'link', 'set', 'eth0', 'down');
    n.daemon = undefined;
  }

  /** Boots the node again: runtime state (addresses, pid files, sockets) gone, link up, daemon started. */
  async powerOn(name: string): Promise<void> {
    const n = this.node(name);
    await sh('ip', '-n', n.host.ns, 'addr', 'flush', 'dev', 'eth0');
    await sh('ip', '-n', n.host.ns, 'addr', 'add', `${n.addr}/24`, 'dev', 'eth0');
    await sh('ip', '-n', n.host.ns, 'link', 'set', 'eth0', 'up');
    await rm(join(n.root, 'var/run'), { recursive: true, force: true });
    await n.sshd?.restart();
    this.startDaemon(name);
  }

  /** The pid of a node's agent (capsule-agent), from its pid file; NoAgent unless that pid is alive in the node's namespace. */
  async agentPid(name: string): Promise<number> {
    const n = this.node(name);
    const pid = Number((await readFile(join(n.root, 'var/run/capsule/agent.pid'), 'utf8').catch(() => '')).trim());
    // A killed agent leaves its pid file behind, and its pid soon belongs to another process of this machine.
    if (!pidInNamespace(pid, n.host.ns)) throw new NoAgent(name);
    return pid;
  }

  /** SIGSTOP or SIGCONT of the node's agent alone: its services and its watchdog run on. */
  async signalAgent(name: string, signal: 'SIGSTOP' | 'SIGCONT' | 'SIGKILL'): Promise<void> {
    process.kill(await this.agentPid(name), signal);
  }

  /** The agent killed outright (its services and its watchdog run on); resolves once its `daemon run` wrapper has exited. */
  async killAgent(name: string): Promise<void> {
    const wrapper = this.node(name).daemon;
    const exited = wrapper && wrapper.exitCode === null ? new Promise((r) => wrapper.once('exit', r)) : Promise.resolve();
    await this.signalAgent(name, 'SIGKILL');
    await exited;
  }

  /** The agent killed outright, then started again as its supervisor would. */
  async restartAgent(name: string): Promise<void> {
    await this.killAgent(name);
    this.startDaemon(name);
  }

  /** `nodemgr daemon status --format json` of a node, undefined while its agent does not answer. */
  async daemonStatus(name: string): Promise<DaemonStatus | undefined> {
    const r = await this.cli(name, 'nodemgr', ['daemon', 'status', '--format', 'json']);
    return r.code === 0 ? (JSON.parse(r.stdout) as DaemonStatus) : undefined;
  }

  /**
   * Resolves once the node's agent has sent `n` more heartbeats: `n`
   * intervals of its own progress (its decision rounds with them), however
   * loaded the machine is, where a fixed sleep would count wall time.
   */
  async afterHeartbeats(name: string, n: number): Promise<void> {
    const sent = async () => (await this.daemonStatus(name))?.counters?.sent;
    const from = await until(`${name}'s agent answering`, sent, 60_000);
    await until(`${n} more heartbeats from ${name}`, async () => ((await sent()) ?? 0) >= from + n, 60_000);
  }

  /** Cuts (or heals) the network between two nodes, both ways. */
  async cut(a: string, b: string, heal = false): Promise<void> {
    for (const [x, y] of [[a, b], [b, a]] as const) {
      await sh('ip', '-n', this.node(x).host.ns, 'route', heal ? 'del' : 'add', 'blackhole', `${this.node(y).addr}/32`);
    }
  }

  /** Cuts a node off from every etcd member (both ways), or heals it: the node, not etcd, is the one alone. */
  async cutFromEtcd(name: string, heal = false): Promise<void> {
    for (const m of this.etcd?.members ?? []) {
      const addr = new URL(m.clientUrl).hostname;
      await sh('ip', '-n', this.node(name).host.ns, 'route', heal ? 'del' : 'add', 'blackhole', `${addr}/32`);
      await sh('ip', '-n', m.ns!, 'route', heal ? 'del' : 'add', 'blackhole', `${this.node(name).addr}/32`);
    }
  }

  /** Nodes where `addr` is configured on a link that is up. */
  async addressHolders(addr: string): Promise<string[]> {
    const out: string[] = [];
    for (const n of this.nodes.values()) {
      const r = await localExec(['ip', '-n', n.host.ns, '-o', 'addr', 'show', 'dev', 'eth0', 'up']);
      if (r.stdout.includes(` ${addr}/`)) out.push(n.name);
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.etcd?.dispose();
    for (const ns of [...[...this.nodes.values()].map((n) => n.host.ns), ...(this.client ? [this.client.ns] : [])]) {
      await killAllIn(ns);
    }
    for (const n of this.nodes.values()) await n.sshd?.dispose();
    await this.net.dispose();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
