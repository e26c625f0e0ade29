// Real LXC test containers (busybox template) in a private lxcpath, on a
// bridge of their own; optionally running this repository's capsule agent
// (node and the built CLI bind-mounted read-only). All removed on dispose.
import { localExec } from '@capsule/transport';
import { chmod, mkdir, mkdtemp, rm, appendFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sh, uniqueName } from './run.js';

/** The repository root, bind-mounted at the same path in agent containers. */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

export interface TestContainer {
  name: string;
  lxcpath: string;
  rootfs: string;
}

export class TestContainers {
  private lxcpath?: string;
  private readonly containers: string[] = [];
  private readonly bridges: string[] = [];

  async path(): Promise<string> {
    this.lxcpath ??= await mkdtemp(join(tmpdir(), 'capsule-lxc-'));
    return this.lxcpath;
  }

  async bridge(): Promise<string> {
    const name = uniqueName('capbr');
    await sh('ip', 'link', 'add', name, 'type', 'bridge');
    this.bridges.push(name);
    await sh('ip', 'link', 'set', name, 'up');
    return name;
  }

  /**
   * A stopped busybox container; with `agent`, `svcmgr` runs in it from this
   * repository's build. Without a bridge it has no network, and its init
   * obeys a halt at once (udhcpc waiting for a lease holds it otherwise).
   */
  async create(o: { bridge?: string; agent: boolean; ipv4?: string; sshd?: boolean }): Promise<TestContainer> {
    const lxcpath = await this.path();
    const name = uniqueName('capsule-t-', 24);
    const conf = join(lxcpath, `${name}.create.conf`);
    const net = o.bridge ? [`lxc.net.0.type = veth`, `lxc.net.0.link = ${o.bridge}`, `lxc.net.0.flags = up`, ...(o.ipv4 ? [`lxc.net.0.ipv4.address = ${o.ipv4}`] : [])] : [`lxc.net.0.type = empty`];
    await writeFile(conf, [...net, `lxc.apparmor.profile = unconfined`, ''].join('\n'));
    this.containers.push(name);
    await sh('lxc-create', '-P', lxcpath, '-n', name, '-t', 'busybox', '-f', conf);
    const rootfs = join(lxcpath, name, 'rootfs');
    if (o.agent) {
      await appendFile(
        join(lxcpath, name, 'config'),
        [`lxc.mount.entry = ${process.execPath} ${process.execPath.slice(1)} none ro,bind,create=file 0 0`, `lxc.mount.entry = ${REPO_ROOT} ${REPO_ROOT.slice(1)} none ro,bind,create=dir 0 0`, ''].join('\n'),
      );
      const bin = join(rootfs, 'usr/local/bin');
      await mkdir(bin, { recursive: true });
      for (const prog of ['svcmgr', 'nodemgr', 'svcmon']) {
        await writeFile(join(bin, prog), `#!/bin/sh\nexec ${process.execPath} ${REPO_ROOT}/apps/cli/dist/bin/${prog}.js "$@"\n`);
        await chmod(join(bin, prog), 0o755);
      }
    }
    // A static address: no DHCP client (its deconfig would flush the address LXC set).
    if (o.ipv4) await writeFile(join(rootfs, 'etc/init.d/rcS'), '#!/bin/sh\n/bin/syslogd\n/bin/mount -a\n', { mode: 0o744 });
    if (o.sshd) {
      // The host's OpenSSH server (the libraries are the host's, bind-mounted by the busybox template), privilege separation user included.
      await appendFile(join(lxcpath, name, 'config'), `lxc.mount.entry = /usr/sbin/sshd usr/sbin/sshd none ro,bind,create=file 0 0\n`);
      await appendFile(join(rootfs, 'etc/passwd'), 'sshd:x:100:65534::/run/sshd:/bin/false\n');
    }
    return { name, lxcpath, rootfs };
  }

  async dispose(): Promise<void> {
    for (const name of this.containers.splice(0)) {
      await localExec(['lxc-stop', '-P', this.lxcpath!, '-n', name, '-k']);
      await localExec(['lxc-destroy', '-P', this.lxcpath!, '-n', name, '-f']);
    }
    for (const b of this.bridges.splice(0)) await localExec(['ip', 'link', 'del', b]);
    if (this.lxcpath) await rm(this.lxcpath, { recursive: true, force: true });
    this.lxcpath = undefined;
  }
}
