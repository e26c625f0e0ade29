// Test hosts as network namespaces linked by veth pairs, addressed in
// 198.51.100.0/24 (documentation range, no uplink), removed on dispose.
import type { Exec } from '@capsule/core';
import { localExec } from '@capsule/transport';
import { readlinkSync, statSync } from 'node:fs';
import { freeSubnet30, releaseSubnet30, sh, uniqueName } from './run.js';

export interface TestHost {
  ns: string;
  /** Runs a command inside the namespace. */
  exec: Exec;
}

export interface TestSwitch {
  ns: string;
  /** Plugs `h` into the switch through its interface `dev`, addressed `addr` (CIDR). */
  attach(h: TestHost, dev: string, addr: string): Promise<void>;
}

export class TestNetwork {
  private readonly namespaces: string[] = [];
  /** The `here` ends of the /30s linkToHere claimed. */
  private readonly subnets: string[] = [];

  async host(): Promise<TestHost> {
    const ns = uniqueName('capsule-t-', 24);
    await sh('ip', 'netns', 'add', ns);
    this.namespaces.push(ns);
    await sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
    return { ns, exec: (argv, o) => localExec(['ip', 'netns', 'exec', ns, ...argv], o) };
  }

  /** A veth pair between two hosts, `a` and `b` names inside them, each given an address (CIDR). */
  async link(a: TestHost, aDev: string, aAddr: string | undefined, b: TestHost, bDev: string, bAddr: string | undefined): Promise<void> {
    const tmpA = uniqueName('cva');
    const tmpB = uniqueName('cvb');
    await sh('ip', 'link', 'add', tmpA, 'type', 'veth', 'peer', 'name', tmpB);
    await sh('ip', 'link', 'set', tmpA, 'netns', a.ns, 'name', aDev);
    await sh('ip', 'link', 'set', tmpB, 'netns', b.ns, 'name', bDev);
    for (const [h, dev, addr] of [[a, aDev, aAddr], [b, bDev, bAddr]] as const) {
      if (addr) await sh('ip', '-n', h.ns, 'addr', 'add', addr, 'dev', dev);
      await sh('ip', '-n', h.ns, 'link', 'set', dev, 'up');
    }
  }

  /**
   * A veth pair between this process's namespace and `h`, so in-process
   * clients reach the test host. The pair gets a free /30 of 203.0.113.0/24
   * (TEST-NET-3), kept apart from the 198.51.100.0/24 the tests use inside
   * namespaces; deleted with the namespace.
   */
  async linkToHere(h: TestHost, dev: string): Promise<{ here: string; there: string }> {
    const { here, there } = await freeSubnet30();
    this.subnets.push(here);
    const tmpA = uniqueName('cvh');
    const tmpB = uniqueName('cvn');
    await sh('ip', 'link', 'add', tmpA, 'type', 'veth', 'peer', 'name', tmpB);
    await sh('ip', 'link', 'set', tmpB, 'netns', h.ns, 'name', dev);
    await sh('ip', 'addr', 'add', `${here}/30`, 'dev', tmpA);
    await sh('ip', 'link', 'set', tmpA, 'up');
    await sh('ip', '-n', h.ns, 'addr', 'add', `${there}/30`, 'dev', dev);
    await sh('ip', '-n', h.ns, 'link', 'set', dev, 'up');
    return { here, there };
  }

  /**
   * A switch: a bridge in a namespace of its own (so nothing is left in this
   * one), to which hosts are plugged with `attach`.
   */
  async switch(): Promise<TestSwitch> {
    const sw = await this.host();
    await sh('ip', '-n', sw.ns, 'link', 'add', 'br0', 'type', 'bridge');
    await sh('ip', '-n', sw.ns, 'link', 'set', 'br0', 'up');
    let port = 0;
    return {
      ns: sw.ns,
      attach: async (h, dev, addr) => {
        const p = `p${port++}`;
        await this.link(h, dev, addr, sw, p, undefined);
        await sh('ip', '-n', sw.ns, 'link', 'set', p, 'master', 'br0');
      },
    };
  }

  /** Deleting a namespace deletes the veth ends inside it. */
  async dispose(): Promise<void> {
    for (const ns of this.namespaces.splice(0)) {
      await killAllIn(ns);
      await localExec(['ip', 'netns', 'del', ns]);
    }
    for (const here of this.subnets.splice(0)) releaseSubnet30(here);
  }
}

/**
 * Kills every process in a namespace, again until none is left: a process
 * forked between the listing and the kill (a start script's daemon) would
 * otherwise outlive the test, holding the namespace.
 */
export async function killAllIn(ns: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const pids = (await localExec(['ip', 'netns', 'pids', ns])).stdout.split('\n').filter(Boolean);
    if (!pids.length) return;
    await localExec(['kill', '-9', ...pids]);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Whether process `pid` runs in namespace `ns`: a pid read from a pid file
 * may be a dead process's, and with a 32768-pid space soon another
 * process's, which a test must never signal.
 */
export function pidInNamespace(pid: number, ns: string): boolean {
  try {
    return pid > 0 && readlinkSync(`/proc/${pid}/ns/net`) === `net:[${statSync(`/run/netns/${ns}`).ino}]`;
  } catch {
    return false;
  }
}
