// VirtualBox machines on the simulated host of tooling/simulators/vboxmanage,
// each with a guest played by a real OpenSSH server in a test network
// namespace: the machine's boot hook starts it, its halt hook kills
// everything in the namespace, so the guest answers only while it runs.
import type { Exec } from '@capsule/core';
import { TestNetwork, uniqueName, sh } from '@capsule/testenv';
import { localExec, SshSessions } from '@capsule/transport';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, appendFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimHost } from '../../../tooling/simulators/guest-kit/lib/fixture.mjs';

const VBOX_BIN = fileURLToPath(new URL('../../../tooling/simulators/vboxmanage/bin', import.meta.url));

export interface TestMachine {
  name: string;
  /** The guest's address, reachable from this process. */
  address: string;
  ns: string;
}

export class VboxHost {
  readonly sim = SimHost.create(VBOX_BIN, 'capsule-vbox-');
  private readonly net = new TestNetwork();
  private readonly namespaces: string[] = [];
  private readonly keys = mkdtempSync(join(tmpdir(), 'capsule-vboxkeys-'));
  readonly knownHosts = join(this.keys, 'known_hosts');
  readonly ssh = new SshSessions({ identityFile: join(this.keys, 'id'), knownHosts: this.knownHosts, connectTimeoutMs: 2000 });
  private hostKey = '';
  private readonly peers: VboxHost[] = [];

  /** Runs a command on the simulated host: VBoxManage first on PATH. */
  readonly exec: Exec = (argv, o) => localExec(argv, { ...o, env: { ...o?.env, ...this.sim.env() } });

  async setup(): Promise<void> {
    await sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'capsule-test', '-f', join(this.keys, 'host_ed25519'));
    await sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'capsule-test', '-f', join(this.keys, 'id'));
    writeFileSync(join(this.keys, 'authorized_keys'), readFileSync(join(this.keys, 'id.pub')), { mode: 0o600 });
    writeFileSync(this.knownHosts, '');
    this.hostKey = readFileSync(join(this.keys, 'host_ed25519.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  }

  /**
   * A registered, powered-off machine; with `sshd: false` its guest never
   * answers over ssh. With `agentRoot`, its ssh sessions are a guest with a
   * root of its own: CAPSULE_ROOT that directory, CAPSULE_NODENAME the
   * machine's name, its usr/local/bin first on PATH.
   */
  async machine(o: { sshd?: boolean; agentRoot?: string } = {}): Promise<TestMachine> {
    const name = uniqueName('capv', 20);
    const base = join(this.keys, 'VirtualBox VMs');
    const r = await this.exec(['VBoxManage', 'createvm', '--name', name, '--basefolder', base, '--register']);
    if (r.code !== 0) throw new Error(`test setup: VBoxManage createvm: ${r.stderr}`);
    const h = await this.net.host();
    this.namespaces.push(h.ns);
    const { there } = await this.net.linkToHere(h, 'eth0');
    appendFileSync(this.knownHosts, `${there} ${this.hostKey}\n`);
    const env = o.agentRoot ? `CAPSULE_ROOT=${o.agentRoot} CAPSULE_NODENAME=${name} PATH=${o.agentRoot}/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin` : undefined;
    if (o.sshd !== false) this.sim.hook('boot', this.sshdScript(h.ns, there, env), name);
    this.sim.hook('halt', `#!/bin/sh\nfor p in $(ip netns pids ${h.ns}); do kill -9 "$p"; done\n`, name);
    return { name, address: there, ns: h.ns };
  }

  /** sshd daemonized in the guest's namespace, root's shell files kept out of it as in testenv's startSshd. */
  private sshdScript(ns: string, address: string, env?: string): string {
    const opts = [
      `HostKey=${join(this.keys, 'host_ed25519')}`,
      `ListenAddress=${address}:22`,
      `AuthorizedKeysFile=${join(this.keys, 'authorized_keys')}`,
      'StrictModes=no',
      'PermitRootLogin=prohibit-password',
      'PasswordAuthentication=no',
      'KbdInteractiveAuthentication=no',
      'UsePAM=no',
      'PidFile=none',
      "'Subsystem=sftp internal-sftp'",
      ...(env ? [`'SetEnv=${env}'`] : []),
    ].map((x) => `-o ${x}`);
    const clean = `'for f in /root/.bashrc /root/.profile; do [ -f "$f" ] && mount --bind /dev/null "$f"; done; exec "$0" "$@"'`;
    return `#!/bin/sh\nexec ip netns exec ${ns} unshare -m --propagation private sh -c ${clean} /usr/sbin/sshd -f /dev/null ${opts.join(' ')}\n`;
  }

  /**
   * Another host, as `node` reaches it, that has the machine registered from
   * the same settings file (shared storage): a teleport's destination. The
   * guest's sshd keeps running through a teleport, as the guest does.
   */
  async peer(m: TestMachine, node = 'hv2'): Promise<VboxHost> {
    const peer = new VboxHost();
    this.peers.push(peer);
    const r = await peer.exec(['VBoxManage', 'registervm', join(this.keys, 'VirtualBox VMs', m.name, `${m.name}.vbox`)]);
    if (r.code !== 0) throw new Error(`test setup: VBoxManage registervm on the peer: ${r.stderr}`);
    // Booted there, the same guest comes up: the same sshd in the same namespace.
    peer.sim.hook('boot', this.sshdScript(m.ns, m.address), m.name);
    peer.sim.hook('halt', `#!/bin/sh\nfor p in $(ip netns pids ${m.ns}); do kill -9 "$p"; done\n`, m.name);
    this.sim.peer(node, peer.sim);
    return peer;
  }

  async state(name: string): Promise<string | undefined> {
    const r = await this.exec(['VBoxManage', 'showvminfo', name, '--machinereadable']);
    return /^VMState="(.*)"$/m.exec(r.stdout)?.[1];
  }

  async dispose(): Promise<void> {
    for (const p of this.peers.splice(0)) await p.dispose();
    await this.ssh.close();
    for (const ns of this.namespaces.splice(0)) {
      const pids = (await localExec(['ip', 'netns', 'pids', ns])).stdout.split('\n').filter(Boolean);
      for (const p of pids) {
        try {
          process.kill(Number(p), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await this.net.dispose();
    this.sim.dispose();
    rmSync(this.keys, { recursive: true, force: true });
  }
}
