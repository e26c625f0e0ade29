// Guests of simulated hypervisors reached the way real ones are: a real
// OpenSSH server per guest in a test namespace of its own, answering only
// while the guest runs. The simulator runs the guest's boot and halt hook
// commands, which bring the guest's link up and down.
import { SshSessions } from '@capsule/transport';
import { TestNetwork } from './netns.js';
import { sh } from './run.js';
import { startSshd, type TestSshd } from './sshd.js';

export interface LinkedSshGuest {
  /** Where the guest's sshd listens, as this process reaches it. */
  address: string;
  /** The node's ssh sessions for this guest: its client key and a known_hosts naming its host key. */
  ssh: SshSessions;
  /** Shell commands for the simulator's hooks: the guest answers after `boot`, not after `halt`. */
  boot: string;
  halt: string;
  sshd: TestSshd;
}

export class LinkedSshGuests {
  private readonly net = new TestNetwork();
  private readonly guests: LinkedSshGuest[] = [];

  /** A guest that is down: its sshd listens, its link is down until the boot hook runs. */
  async create(): Promise<LinkedSshGuest> {
    const host = await this.net.host();
    const { there } = await this.net.linkToHere(host, 'eth0');
    const sshd = await startSshd(host, there);
    const link = (state: string) => `ip -n ${host.ns} link set eth0 ${state}`;
    await sh('sh', '-c', link('down'));
    const ssh = new SshSessions({ identityFile: sshd.endpoint.identityFile, knownHosts: sshd.endpoint.knownHosts, connectTimeoutMs: 1000 });
    const g = { address: there, ssh, boot: link('up'), halt: link('down'), sshd };
    this.guests.push(g);
    return g;
  }

  async dispose(): Promise<void> {
    for (const g of this.guests.splice(0)) {
      await g.ssh.close();
      await g.sshd.dispose();
    }
    await this.net.dispose();
  }
}
