// Driver tests on a stateful simulator (tooling/simulators): its tools run
// with its bin directory first on PATH and its state directory in the
// environment, and a conformance fixture for drivers whose guests are
// reached over ssh (hpvm, ldom), each guest an sshd the simulator powers.
import { isContainerResource, systemClock, type ContainerContext, type ContainerResource, type DriverDefinition, type Exec, type Logger } from '@capsule/core';
import { guestExec, localExec, SshSessions } from '@capsule/transport';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './lxc.js';
import { SshGuests, switchedSshd } from './managed.js';
import { TestNetwork } from './netns.js';
import { testInit } from './driver.js';

/** The test side of a simulated host (SimHost of tooling/simulators/remote-kit/lib/fixture.mjs). */
export interface SimulatedHost {
  readonly dir: string;
  define(name: string, record: Record<string, unknown>): void;
  guest(name: string): Record<string, unknown> | undefined;
  fault(kind: string, content?: string, guest?: string): void;
  peer(host: string, other: SimulatedHost): void;
  dispose(): void;
}

/** The bin directory of a simulator: `simulatorBin('hpvm')`. */
export const simulatorBin = (name: string): string => join(REPO_ROOT, 'tooling/simulators', name, 'bin');

/** PATH on a simulated host: the simulator, then the system's tools and node. */
export const simulatorPath = (bin: string): string => `${bin}:${dirname(process.execPath)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;

/** Runs tools here as on the simulated host whose state is in `stateDir`; the caller's env wins. */
export function simulatorExec(bin: string, stateDir: string): Exec {
  return (argv, o) => localExec(argv, { ...o, env: { PATH: simulatorPath(bin), CAPSULE_SIM_STATE: stateDir, ...o?.env } });
}

export interface SimulatedSshGuest {
  section: Record<string, string>;
  exec: Exec;
  ssh: SshGuests['ssh'];
  isRunning(): Promise<boolean>;
  host: SimulatedHost;
  name: string;
}

export interface SimulatedSshFixtureOptions {
  net: TestNetwork;
  guests: SshGuests;
  bin: string;
  newHost(): SimulatedHost;
  /** A stopped guest's record in the simulator's state. */
  record: Record<string, unknown>;
  /** The record's state word of a running guest. */
  running: string;
  /** The fault that makes the tool fail a start (`busy`, `denied`). */
  breakWith?: string;
}

/** The conformance fixture (see @capsule/conformance) of an ssh-reached driver on its simulator. */
export function simulatedSshFixture(o: SimulatedSshFixtureOptions) {
  let n = 0;
  const made: SimulatedHost[] = [];
  const newHost = () => made[made.push(o.newHost()) - 1]!;
  const isRunning = (h: SimulatedHost, name: string) => async () => h.guest(name)?.['state'] === o.running;
  const guest = async (g: { ignoresShutdown?: boolean; silent?: boolean } = {}): Promise<SimulatedSshGuest> => {
    const host = newHost();
    const name = `g${process.pid.toString(36)}${++n}`;
    host.define(name, o.record);
    if (g.ignoresShutdown) host.fault('ignore-shutdown', '', name);
    // A silent guest boots, but nothing answers at its address.
    const address = g.silent ? (await o.net.linkToHere(await o.net.host(), 'eth0')).there : (await o.guests.guest(host.dir, name)).address;
    return { host, name, section: { name, address }, exec: simulatorExec(o.bin, host.dir), ssh: o.guests.ssh, isRunning: isRunning(host, name) };
  };
  const nobody = (exec: Exec) => ({ section: { name: 'nosuchguest' }, exec, isRunning: async () => false });
  return {
    setup: () => o.guests.init(),
    teardown: async () => {
      await o.guests.dispose();
      await o.net.dispose();
      made.splice(0).forEach((h) => h.dispose());
    },
    guest,
    missingGuest: async () => nobody(simulatorExec(o.bin, newHost().dir)),
    toolMissing: async () => nobody((argv, e) => simulatorExec(o.bin, newHost().dir)(argv, { ...e, env: { ...e?.env, PATH: '/nonexistent' } })),
    breakTool: async (g: { section: Record<string, string> } & Partial<SimulatedSshGuest>) => g.host!.fault(o.breakWith ?? 'busy', '', g.name),
    silentGuest: () => guest({ silent: true }),
    peer: async (g: Partial<SimulatedSshGuest>) => {
      const there = newHost();
      g.host!.peer('peer1', there);
      return { node: 'peer1', exec: simulatorExec(o.bin, there.dir), isRunningThere: isRunning(there, g.name!) };
    },
  };
}

/**
 * What a driver test on a simulator holds: the network, guests reached over
 * ssh, simulated hosts, a log to assert on, a root for the driver's state,
 * and management hosts (a real sshd whose sessions find the simulator).
 * Everything goes on dispose.
 */
export class SimulatedDriverTest {
  readonly net = new TestNetwork();
  readonly guests = new SshGuests(this.net);
  readonly logs: string[] = [];
  readonly log: Logger = { info: (m) => this.logs.push(`info: ${m}`), warn: (m) => this.logs.push(`warn: ${m}`), error: (m) => this.logs.push(`error: ${m}`) };
  root = '';
  private readonly hosts: SimulatedHost[] = [];
  private readonly closers: (() => Promise<void>)[] = [];

  constructor(
    private readonly driver: DriverDefinition,
    readonly bin: string,
  ) {}

  async setup(): Promise<void> {
    this.root = await mkdtemp(join(tmpdir(), 'capsule-simdrv-'));
    await this.guests.init();
  }

  async dispose(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close();
    await this.guests.dispose();
    await this.net.dispose();
    this.hosts.splice(0).forEach((h) => h.dispose());
    if (this.root) await rm(this.root, { recursive: true, force: true });
  }

  /** A simulated host, disposed with the test. */
  host<H extends SimulatedHost>(h: H): H {
    this.hosts.push(h);
    return h;
  }

  exec(h: SimulatedHost): Exec {
    return simulatorExec(this.bin, h.dir);
  }

  /** The resource as the engine makes it: keyword defaults applied, then `section`; state under `root`, service `s`. */
  container(section: Record<string, unknown>, settings: Record<string, string> = {}): ContainerResource {
    const defaults = Object.fromEntries(this.driver.keywords.filter((k) => k.default !== undefined).map((k) => [k.name, k.default]));
    const r = this.driver.create(testInit('container#0', { ...defaults, ...section }, { root: this.root, svcname: 's', settings: { values: settings, secret: (k) => Promise.reject(new Error(`no ${k} in this test`)) } }));
    if (!isContainerResource(r)) throw new Error(`${this.driver.provides[0]} must create a container resource`);
    return r;
  }

  /** The engine's context: tools through `exec`, the guest through the channel the container declares. */
  context(c: ContainerResource, exec: Exec): ContainerContext {
    return { exec, log: this.log, dryRun: false, force: false, clock: systemClock, signal: new AbortController().signal, guest: guestExec(c.guestChannel(), exec, this.guests.ssh) };
  }

  /**
   * A real OpenSSH management host whose sessions run `h`'s simulator, and
   * the exec the engine would bind for a resource it manages (an ssh
   * session there). Guests' namespaces must exist before it starts.
   */
  async managementHost(h: SimulatedHost): Promise<{ address: string; exec: Exec }> {
    const sshd = await switchedSshd(this.net, { setEnv: { PATH: simulatorPath(this.bin), CAPSULE_SIM_STATE: h.dir } });
    this.closers.push(() => sshd.dispose());
    await sshd.start();
    const ssh = new SshSessions({ identityFile: sshd.endpoint.identityFile, knownHosts: sshd.endpoint.knownHosts, connectTimeoutMs: 2000 });
    this.closers.push(() => ssh.close());
    return { address: sshd.address, exec: ssh.exec({ host: sshd.address, user: 'root', port: 22 }) };
  }
}
