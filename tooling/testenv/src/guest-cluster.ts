// Real LXC guests, one per test hypervisor, forming a capsule cluster of
// their own (farmed-failover): a bridge of the same name in each
// hypervisor's namespace, the bridges linked, the guests on 203.0.113.0/24
// with static addresses, an OpenSSH server and an agent daemon in each, one
// client key and one known_hosts for the guests. A guest is started by the
// hypervisor's svcmgr (its container resource), from that hypervisor's
// namespace, where LXC's abstract command socket then lives: everything
// done in a guest goes through `attach` from the same namespace.
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { TestCluster } from './cluster.js';
import { TestContainers, type TestContainer } from './lxc.js';
import { sh, uniqueName } from './run.js';

export interface TestGuest extends TestContainer {
  /** The hypervisor (test cluster node) that starts it. */
  hv: string;
  addr: string;
}

export class GuestCluster {
  readonly guests: TestGuest[] = [];
  private readonly lxc = new TestContainers();
  readonly bridge = uniqueName('gbr', 12);
  private keys?: string;

  private constructor(private readonly c: TestCluster) {}

  /** A guest per hypervisor of `hvs` (stopped), with node.conf, keys and an sshd ready for `startAgents`. */
  static async create(c: TestCluster, hvs: string[], o: { port: number }): Promise<GuestCluster> {
    const g = new GuestCluster(c);
    try {
      await g.init(hvs, o.port);
    } catch (e) {
      await g.dispose();
      throw e;
    }
    return g;
  }

  private async init(hvs: string[], port: number): Promise<void> {
    // The same bridge name in every hypervisor's namespace (LXC links the guest's veth by name where lxc-start runs), the bridges linked.
    for (const hv of hvs) {
      const ns = this.c.node(hv).host.ns;
      await sh('ip', '-n', ns, 'link', 'add', this.bridge, 'type', 'bridge');
      await sh('ip', '-n', ns, 'link', 'set', this.bridge, 'up');
    }
    for (let i = 1; i < hvs.length; i++) {
      const [a, b] = [this.c.node(hvs[0]!).host.ns, this.c.node(hvs[i]!).host.ns];
      const [x, y] = [uniqueName('gx', 12), uniqueName('gy', 12)];
      await sh('ip', 'link', 'add', x, 'netns', a, 'type', 'veth', 'peer', 'name', y, 'netns', b);
      for (const [ns, dev] of [[a, x], [b, y]] as const) {
        await sh('ip', '-n', ns, 'link', 'set', dev, 'master', this.bridge);
        await sh('ip', '-n', ns, 'link', 'set', dev, 'up');
      }
    }
    const keys = await mkdtemp(join(tmpdir(), 'capsule-guest-keys-'));
    this.keys = keys;
    await sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'capsule-guests', '-f', join(keys, 'id_ed25519'));
    const pub = (await readFile(join(keys, 'id_ed25519.pub'), 'utf8')).trim();
    for (const [i, hv] of hvs.entries()) {
      const addr = `203.0.113.${11 + i}`;
      const ct = await this.lxc.create({ bridge: this.bridge, agent: true, ipv4: `${addr}/24`, sshd: true });
      this.guests.push({ ...ct, hv, addr });
    }
    const secret = randomBytes(16).toString('hex');
    const known: string[] = [];
    for (const g of this.guests) {
      const ssh = join(g.rootfs, 'etc/capsule/ssh');
      await mkdir(ssh, { recursive: true });
      await sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', g.name, '-f', join(ssh, 'host_ed25519'));
      known.push(`${g.addr} ${(await readFile(join(ssh, 'host_ed25519.pub'), 'utf8')).trim()}`);
      for (const f of ['id_ed25519', 'id_ed25519.pub']) await writeFile(join(ssh, f), await readFile(join(keys, f)), { mode: 0o600 });
      await writeFile(join(ssh, 'authorized_keys'), pub + '\n');
    }
    const nodes = this.guests.map((g) => g.name);
    for (const g of this.guests) {
      await writeFile(join(g.rootfs, 'etc/capsule/ssh/known_hosts'), known.join('\n') + '\n');
      await writeFile(
        join(g.rootfs, 'etc/capsule/node.conf'),
        `[cluster]\nname = guests\nnodes = ${nodes.join(' ')}\nsecret = ${secret}\nquorum = false\n\n[hb#1]\ntype = unicast\nport = ${port}\ninterval = 1s\ntimeout = 3s\n${this.guests.map((x) => `addr@${x.name} = ${x.addr}`).join('\n')}\n\n[ssh]\nconnect_timeout = 3\n`,
        { mode: 0o600 },
      );
      await chmod(join(g.rootfs, 'etc/capsule/node.conf'), 0o600);
    }
  }

  guest(name: string): TestGuest {
    const g = this.guests.find((x) => x.name === name || x.hv === name);
    if (!g) throw new Error(`test setup: no guest ${name}`);
    return g;
  }

  /** Runs argv in the guest, from its hypervisor's namespace. */
  attach(name: string, argv: string[]) {
    const g = this.guest(name);
    return this.c.node(g.hv).host.exec(['lxc-attach', '-P', g.lxcpath, '-n', g.name, '--clear-env', '--', 'env', 'PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', ...argv]);
  }

  /** In every running guest: its sshd (root by key only), then its agent daemon. */
  async startAgents(): Promise<void> {
    for (const g of this.guests) {
      const ssh = '/etc/capsule/ssh';
      const steps = [
        ['mkdir', '-p', '/run/sshd', '/var/log'],
        ['/usr/sbin/sshd', '-f', '/dev/null', '-o', `HostKey=${ssh}/host_ed25519`, '-o', `ListenAddress=${g.addr}:22`, '-o', `AuthorizedKeysFile=${ssh}/authorized_keys`, '-o', 'StrictModes=no', '-o', 'PermitRootLogin=prohibit-password', '-o', 'PasswordAuthentication=no', '-o', 'UsePAM=no', '-o', 'SetEnv=PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        ['nodemgr', 'daemon', 'start'],
      ];
      for (const argv of steps) {
        const r = await this.attach(g.name, argv);
        if (r.code !== 0) throw new Error(`test setup: ${argv.join(' ')} in ${g.name} exited ${r.code}: ${r.stderr.trim()}`);
      }
    }
  }

  /** Whether the guest's file exists (its rootfs, seen from here). */
  async exists(name: string, path: string): Promise<boolean> {
    const r = await this.attach(name, ['test', '-e', path]);
    return r.code === 0;
  }

  async dispose(): Promise<void> {
    for (const g of this.guests) await this.attach(g.name, ['nodemgr', 'daemon', 'stop']).catch(() => undefined);
    for (const g of this.guests) await this.c.node(g.hv).host.exec(['lxc-stop', '-P', g.lxcpath, '-n', g.name, '-k']).catch(() => undefined);
    await this.lxc.dispose();
    if (this.keys) await rm(this.keys, { recursive: true, force: true });
    // The bridges and links live in the hypervisors' namespaces and go with them.
  }
}
