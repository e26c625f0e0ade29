// Guests for the API simulators, played by real OpenSSH servers: one test
// network namespace and sshd per guest, answering only while the simulated
// VM is powered on (the simulator's power hook starts and stops it).
import type { ContainerResource } from '@capsule/core';
import { startSshd, testContainerContext, TestNetwork, type TestSshd } from '@capsule/testenv';
import { guestExec, localExec, SshSessions } from '@capsule/transport';
import type { PowerHook } from './state.js';

export interface SshGuest {
  name: string;
  /** Where its sshd listens, reachable from this process. */
  address: string;
  sshd: TestSshd;
  /** The node's ssh settings for this guest: its client key and known_hosts. */
  ssh: SshSessions;
  /** Whether the guest's sshd runs now. */
  up(): boolean;
}

export class SshGuests {
  private readonly net = new TestNetwork();
  private readonly guests = new Map<string, SshGuest & { running: boolean }>();

  /** A powered-off guest: its sshd made and stopped. */
  async create(name: string): Promise<SshGuest> {
    const host = await this.net.host();
    const { there } = await this.net.linkToHere(host, 'eth0');
    const sshd = await startSshd(host, there);
    await sshd.stop();
    const ssh = new SshSessions({ identityFile: sshd.endpoint.identityFile, knownHosts: sshd.endpoint.knownHosts, connectTimeoutMs: 2000 });
    const g = { name, address: there, sshd, ssh, running: false, up: () => g.running };
    this.guests.set(name, g);
    return g;
  }

  /** The simulator's power hook: a guest it does not know (a silent guest) stays unreachable. */
  readonly hook: PowerHook = async ({ name }, on) => {
    const g = this.guests.get(name);
    if (!g || g.running === on) return;
    if (on) await g.sshd.restart();
    else await g.sshd.stop();
    g.running = on;
  };

  async dispose(): Promise<void> {
    for (const g of this.guests.values()) {
      await g.ssh.close();
      await g.sshd.dispose();
    }
    this.guests.clear();
    await this.net.dispose();
  }
}

/**
 * What a command does with a guest: start the container, run `true` in the
 * guest through the channel the container declares, stop it. The host it
 * reached and the exit code tell the test where the guest was found.
 */
export async function roundTrip(c: ContainerResource, g: SshGuest): Promise<{ host: string; code: number }> {
  const channel = c.guestChannel();
  const ctx = { ...testContainerContext(c), guest: guestExec(channel, localExec, g.ssh) };
  await c.start(ctx);
  const { code } = await ctx.guest(['true']);
  await c.stop(ctx);
  return { host: channel.kind === 'ssh' ? channel.host : '', code };
}
