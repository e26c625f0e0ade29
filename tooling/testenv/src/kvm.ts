// Real test VMs on libvirt (domain type qemu: software emulation, since
// nested KVM hangs here): Debian's cloud kernel and a busybox initramfs that
// boots in a few seconds. A guest powers off on the ACPI power button
// (`virsh shutdown`) unless told to ignore it; a qga guest also runs the
// QEMU guest agent (qga-image.ts). libvirtd and virtlogd are
// started when they are not running; every domain, bridge and file the
// fixture made is removed on dispose, and the daemons by the last user.
import type { Exec } from '@capsule/core';
import { withLock } from '@capsule/config';
import { localExec } from '@capsule/transport';
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './lxc.js';
import { QGA_PORT, qgaArchive } from './qga-image.js';
import { freeSubnet30, releaseSubnet30, sh, uniqueName } from './run.js';

/** Where scripts/bootstrap unpacks the kernel. */
export const KERNEL_CACHE = '/var/cache/capsule-testenv/kernel';
export const TEST_URI = 'qemu:///system';
/** Who uses the libvirt daemons, across test processes. */
const SHARED = '/run/capsule-testenv/libvirt';

// In dependency order (busybox insmod does not resolve them).
const MODULES = [
  'drivers/virtio/virtio_ring',
  'drivers/virtio/virtio',
  'drivers/virtio/virtio_pci_legacy_dev',
  'drivers/virtio/virtio_pci_modern_dev',
  'drivers/virtio/virtio_pci',
  'net/core/failover',
  'drivers/net/net_failover',
  'drivers/net/virtio_net',
  'drivers/block/virtio_blk',
  'drivers/acpi/button',
  'drivers/input/evdev',
];

// PID 1 of the guest. Kernel arguments: capsule.hostname, capsule.shutdown=ignore.
const INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in ${MODULES.map((m) => m.split('/').pop()).join(' ')}; do insmod /modules/$m.ko || echo "capsule-guest: insmod $m failed"; done
arg() { sed -n "s/.*capsule\\.$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
hostname "$(arg hostname)"
# Only in qga guests: their image has the agent's archive appended (qga-image.ts).
[ -f /qga.init ] && . /qga.init
if [ "$(arg shutdown)" != ignore ]; then
  for e in /sys/class/input/event*; do
    if grep -q "Power Button" $e/device/name 2>/dev/null; then
      # One input_event (24 bytes) from the power button: power off.
      ( dd if=/dev/input/\${e##*/} bs=24 count=1 of=/dev/null 2>/dev/null && { echo "capsule-guest: power button"; poweroff -f; } ) &
    fi
  done
fi
if [ -n "$(arg ip)" ]; then
  ip link set lo up; ip addr add "$(arg ip)" dev eth0; ip link set eth0 up
fi
if [ -b /dev/vda ]; then
  # The agent disks: tools (node, sshd and their libraries at their host paths), the repository.
  mkdir -p /tools "$(arg repo)"
  mount -o ro /dev/vda /tools && mount -o ro /dev/vdb "$(arg repo)"
  ln -s /tools/lib64 /lib64; ln -s /tools/usr /usr; ln -s /tools/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu
  printf 'root:x:0:0:root:/root:/bin/sh\nsshd:x:100:65534::/run/sshd:/bin/false\n' > /etc/passwd
  printf 'root:x:0:\nnogroup:x:65534:\n' > /etc/group
  mkdir -p /run/sshd /root/.ssh /var/empty /etc/capsule
  echo "ssh-ed25519 $(arg authkey)" > /root/.ssh/authorized_keys
  /usr/sbin/sshd -f /dev/null -o HostKey=/tools/etc/ssh_host_ed25519_key -o PermitRootLogin=prohibit-password \
    -o UsePAM=no -o StrictModes=no -o PidFile=none -o 'Subsystem=sftp internal-sftp' -o PrintMotd=no
fi
echo "capsule-guest: up as $(hostname)"
while :; do sleep 3600; done
`;

export interface TestVm {
  name: string;
  uri: string;
  consoleLog: string;
  /** With an agent: the guest's address, and its known_hosts line. */
  address?: string;
  knownHostsLine?: string;
  /** The host bridge the guest's interface is on. */
  bridge?: string;
}

/** A guest that runs this repository's agent and an sshd, on a bridge shared with this host. */
export interface AgentOptions {
  /** `ssh-ed25519 AAAA...` allowed to log in as root. */
  authorizedKey: string;
}

/**
 * Registering and starting, or unregistering and stopping, the shared
 * daemons is done under one lock across test processes (the service lock,
 * with its dead-holder detection): without it a file finishing could stop
 * libvirtd just after another one found it running.
 */
const withSharedLock = <T>(action: string, fn: () => Promise<T>): Promise<T> => withLock(SHARED, { name: 'lock', action, svcname: 'testenv libvirtd', waitSeconds: 900 }, fn);

/**
 * libvirtd with /dev/kvm hidden from it: here KVM is present but nested KVM
 * hangs, and libvirt probing it re-probes QEMU's capabilities on every
 * connection (`virsh version` took 7 to 12 s, `define` up to 40 s). Guests are
 * domain type qemu anyway.
 */
const HIDE_KVM = 'mount --bind /dev/null /dev/kvm';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The daemon of this host's /run, by its pid file: `pgrep -x virtlogd` also
 * finds a TestLibvirtPeer's virtlogd (another mount namespace, other
 * sockets), which once let a test start guests with no virtlogd of its own.
 */
function mainPid(name: string): number | undefined {
  const pid = Number(readFileSyncOr(`/run/${name}.pid`).trim());
  if (!pid || !pidAlive(pid)) return undefined;
  // A zombie (nobody reaped it) is not a daemon; its state is the field after the parenthesised name.
  if (/\)\s+Z\s/.test(readFileSyncOr(`/proc/${pid}/stat`))) return undefined;
  return readFileSyncOr(`/proc/${pid}/comm`).trim() === name ? pid : undefined;
}

function readFileSyncOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export class TestVms {
  private dir?: string;
  private readonly domains: string[] = [];
  private registered = false;
  private readonly bridges: string[] = [];
  /** The `here` ends of the /30s the agents' bridges claimed. */
  private readonly subnets: string[] = [];

  /**
   * Starts libvirtd and virtlogd when they are not running. Test files run
   * in parallel share them: each registers itself, and the last one out
   * stops the daemons if the testenv started them.
   */
  libvirt(): Promise<void> {
    return withSharedLock('start', () => this.libvirtLocked());
  }

  private async libvirtLocked(): Promise<void> {
    await mkdir(join(SHARED, 'users'), { recursive: true });
    await writeFile(join(SHARED, 'users', String(process.pid)), '');
    this.registered = true;
    for (let i = 0; i < 100; i++) {
      // Checked on every round: another test file, finishing as this one registers, may have just stopped them.
      for (const d of ['virtlogd', 'libvirtd']) {
        if (mainPid(d)) continue;
        if (d === 'libvirtd' && existsSync('/dev/kvm')) await sh('unshare', '-m', '--propagation', 'private', 'sh', '-c', `${HIDE_KVM}; exec libvirtd -d -p /run/libvirtd.pid`);
        else await sh(d, '-d', '-p', `/run/${d}.pid`);
        await writeFile(join(SHARED, `started-${d}`), '');
      }
      if (existsSync('/run/libvirt/virtlogd-sock') && (await localExec(['virsh', '-c', TEST_URI, 'version'])).code === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('test setup: libvirtd does not answer on qemu:///system');
  }

  private release(): Promise<void> {
    return this.registered ? withSharedLock('stop', () => this.releaseLocked()) : Promise.resolve();
  }

  private async releaseLocked(): Promise<void> {
    if (!this.registered) return;
    this.registered = false;
    await rm(join(SHARED, 'users', String(process.pid)), { force: true });
    const alive = (await readdir(join(SHARED, 'users')).catch(() => [])).filter((pid) => pidAlive(Number(pid)));
    if (alive.length) return;
    for (const d of ['libvirtd', 'virtlogd']) {
      if (!existsSync(join(SHARED, `started-${d}`))) continue;
      // This host's daemon only: a peer's (another test's TestLibvirtPeer) is its own business.
      const pid = mainPid(d);
      if (pid) {
        process.kill(pid, 'SIGTERM');
        for (let i = 0; i < 50 && mainPid(d) === pid; i++) await new Promise((r) => setTimeout(r, 100));
        // Still there after 5 s: killed, so that no test daemon outlives the tests as if it were the host's.
        if (mainPid(d) === pid) process.kill(pid, 'SIGKILL');
      }
      await rm(join(SHARED, `started-${d}`), { force: true });
    }
  }

  private async image(): Promise<string> {
    if (this.dir) return this.dir;
    if (!existsSync(join(KERNEL_CACHE, 'vmlinuz'))) throw new Error(`test setup: no kernel in ${KERNEL_CACHE}: run scripts/bootstrap`);
    const dir = await mkdtemp(join(tmpdir(), 'capsule-vm-'));
    const root = join(dir, 'root');
    for (const d of ['bin', 'proc', 'sys', 'dev', 'modules', 'lib', 'etc', 'tmp', 'root', 'run', 'var']) await mkdir(join(root, d), { recursive: true });
    await copyFile('/bin/busybox', join(root, 'bin/busybox'));
    await chmod(join(root, 'bin/busybox'), 0o755);
    for (const m of MODULES) await copyFile(join(KERNEL_CACHE, 'modules', `${m}.ko`), join(root, 'modules', `${m.split('/').pop()}.ko`));
    await writeFile(join(root, 'init'), INIT, { mode: 0o755 });
    await sh('sh', '-c', `cd '${root}' && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 > ../initrd.gz`);
    await copyFile(join(KERNEL_CACHE, 'vmlinuz'), join(dir, 'vmlinuz'));
    // qemu runs as libvirt-qemu: the image must be readable by it.
    await chmod(dir, 0o755);
    this.dir = dir;
    return dir;
  }

  private qgaInitrd?: Promise<string>;

  /** The base image with the guest agent's archive appended, built once. */
  private qgaImage(dir: string): Promise<string> {
    this.qgaInitrd ??= (async () => {
      const extra = await qgaArchive(dir, join(KERNEL_CACHE, 'modules'));
      const initrd = join(dir, 'initrd-qga.gz');
      await sh('sh', '-c', 'cat "$1" "$2" > "$3"', 'sh', join(dir, 'initrd.gz'), extra, initrd);
      return initrd;
    })();
    return this.qgaInitrd;
  }

  /**
   * Defines (does not start) a guest; `shutdown: 'ignore'` makes it ignore
   * `virsh shutdown`. `qga: true` gives it the guest agent's virtio-serial
   * channel and runs qemu-ga in it; `'channel-only'` the channel with no
   * agent behind it.
   */
  async define(o: { hostname?: string; shutdown?: 'obey' | 'ignore'; agent?: AgentOptions; qga?: boolean | 'channel-only' } = {}): Promise<TestVm> {
    await this.libvirt();
    const dir = await this.image();
    const initrd = o.qga === true ? await this.qgaImage(dir) : join(dir, 'initrd.gz');
    const qgaDevices = o.qga
      ? `
    <controller type='virtio-serial' index='0'/>
    <channel type='unix'><source mode='bind'/><target type='virtio' name='${QGA_PORT}'/></channel>`
      : '';
    // Domain names are not interface names: no 15-character limit, so room for randomness.
    const name = `capsule-vm-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const agent = o.agent ? await this.agentParts(o.agent) : undefined;
    const consoleLog = join(dir, `${name}.console.log`);
    const xml = `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>${agent ? 768 : 192}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${join(dir, 'vmlinuz')}</kernel>
    <initrd>${initrd}</initrd>
    <cmdline>console=ttyS0 quiet capsule.hostname=${o.hostname ?? name} capsule.shutdown=${o.shutdown ?? 'obey'}${agent?.cmdline ?? ''}</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <serial type='file'><source path='${consoleLog}'/><target port='0'/></serial>${agent?.devices ?? ''}${qgaDevices}
  </devices>
</domain>
`;
    const file = join(dir, `${name}.xml`);
    await writeFile(file, xml);
    this.domains.push(name);
    await sh('virsh', '-c', TEST_URI, 'define', file);
    return { name, uri: TEST_URI, consoleLog, ...(agent ? { address: agent.address, knownHostsLine: `${agent.address} ${agent.hostKey}`, bridge: agent.bridge } : {}) };
  }

  private agentDisks?: Promise<{ tools: string; repo: string; hostKey: string }>;

  /** The two read-only disks an agent guest mounts, built once: tools (node, sshd, their libraries) and the repository. */
  private disks(): Promise<{ tools: string; repo: string; hostKey: string }> {
    this.agentDisks ??= (async () => {
      const dir = this.dir!;
      const staging = join(dir, 'tools');
      await mkdir(join(staging, 'etc'), { recursive: true });
      await sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'capsule-test-guest', '-f', join(staging, 'etc/ssh_host_ed25519_key'));
      const hostKey = (await readFile(join(staging, 'etc/ssh_host_ed25519_key.pub'), 'utf8')).split(' ').slice(0, 2).join(' ');
      const node = process.execPath;
      const bins = [node, '/usr/sbin/sshd'];
      const libs = new Set<string>();
      for (const b of bins) for (const m of (await sh('ldd', b)).matchAll(/(\/\S+\.so[.\d]*)/g)) libs.add(m[1]!);
      for (const f of [...bins, ...libs]) {
        const to = join(staging, f);
        await mkdir(dirname(to), { recursive: true });
        await copyFile(f, to);
        await chmod(to, 0o755);
      }
      await mkdir(join(staging, 'usr/local/bin'), { recursive: true });
      await writeFile(join(staging, 'usr/local/bin/svcmgr'), `#!/bin/sh\nexec ${node} ${REPO_ROOT}/apps/cli/dist/bin/svcmgr.js "$@"\n`, { mode: 0o755 });
      const tools = join(dir, 'tools.img');
      const repo = join(dir, 'repo.img');
      await sh('truncate', '-s', '1G', tools);
      await sh('mke2fs', '-q', '-t', 'ext4', '-d', staging, '-E', 'root_owner=0:0', tools);
      await sh('truncate', '-s', '2G', repo);
      await sh('mke2fs', '-q', '-t', 'ext4', '-d', REPO_ROOT, '-E', 'root_owner=0:0', repo);
      return { tools, repo, hostKey };
    })();
    return this.agentDisks;
  }

  private async agentParts(a: AgentOptions): Promise<{ cmdline: string; devices: string; address: string; hostKey: string; bridge: string }> {
    const { tools, repo, hostKey } = await this.disks();
    const bridge = uniqueName('capvbr');
    const { here, there } = await freeSubnet30();
    this.subnets.push(here);
    await sh('ip', 'link', 'add', bridge, 'type', 'bridge');
    this.bridges.push(bridge);
    await sh('ip', 'addr', 'add', `${here}/30`, 'dev', bridge);
    await sh('ip', 'link', 'set', bridge, 'up');
    const disk = (file: string, dev: string) => `
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${file}'/><target dev='${dev}' bus='virtio'/><readonly/><shareable/></disk>`;
    return {
      cmdline: ` capsule.ip=${there}/30 capsule.repo=${REPO_ROOT} capsule.authkey=${a.authorizedKey.split(' ')[1]}`,
      devices: `${disk(tools, 'vda')}${disk(repo, 'vdb')}
    <interface type='bridge'><source bridge='${bridge}'/><model type='virtio'/></interface>`,
      address: there,
      hostKey,
      bridge,
    };
  }

  async console(vm: TestVm): Promise<string> {
    return readFile(vm.consoleLog, 'utf8').catch(() => '');
  }

  async dispose(): Promise<void> {
    for (const d of this.domains.splice(0)) {
      await localExec(['virsh', '-c', TEST_URI, 'destroy', d]);
      await localExec(['virsh', '-c', TEST_URI, 'undefine', d]);
    }
    for (const b of this.bridges.splice(0)) await localExec(['ip', 'link', 'del', b]);
    for (const here of this.subnets.splice(0)) releaseSubnet30(here);
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.agentDisks = undefined;
    this.qgaInitrd = undefined;
    await this.release();
  }
}

/**
 * A second libvirt host on this machine, for live migration: libvirtd and
 * virtlogd in a mount namespace of their own, where /run/libvirt,
 * /var/lib/libvirt, /var/log/libvirt and /etc/libvirt are directories of
 * the fixture. `exec` runs a command as on that host (`virsh -c
 * qemu:///system` there is this daemon); `uri` is how the first host's
 * libvirtd reaches it.
 */
export class TestLibvirtPeer {
  private constructor(
    readonly dir: string,
    /** The process whose mount namespace is the peer host (for nsenter). */
    readonly pid: number,
  ) {}

  get uri(): string {
    return `qemu:///system?socket=${join(this.dir, 'run/libvirt-sock')}`;
  }

  static async start(): Promise<TestLibvirtPeer> {
    const dir = await mkdtemp(join(tmpdir(), 'capsule-lvpeer-'));
    for (const d of ['run', 'lib/qemu/nvram', 'log/qemu', 'etc', 'cache']) await mkdir(join(dir, d), { recursive: true });
    await sh('cp', '-a', '/etc/libvirt/.', join(dir, 'etc'));
    const script = [
      'set -e',
      ...[['run', '/run/libvirt'], ['lib', '/var/lib/libvirt'], ['log', '/var/log/libvirt'], ['etc', '/etc/libvirt'], ['cache', '/var/cache/libvirt']].map(([from, to]) => `mkdir -p ${to}; mount --bind ${join(dir, from!)} ${to}`),
      // Pid files of their own: the defaults (/run/libvirtd.pid) belong to the first host's daemons.
      `[ ! -e /dev/kvm ] || { ${HIDE_KVM}; }`,
      'virtlogd -d -p /run/libvirt/virtlogd.pid',
      'exec libvirtd -p /run/libvirt/libvirtd.pid',
    ].join('\n');
    const child = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { stdio: 'ignore', detached: true });
    child.unref();
    const peer = new TestLibvirtPeer(dir, child.pid!);
    for (let i = 0; i < 100; i++) {
      if ((await localExec(['virsh', '-c', peer.uri, 'version'])).code === 0) return peer;
      await new Promise((r) => setTimeout(r, 100));
    }
    await peer.dispose();
    throw new Error('test setup: the peer libvirtd does not answer');
  }

  /** Runs a command as on the peer host (in its mount namespace). */
  exec: Exec = (argv, o) => localExec(['nsenter', '-t', String(this.pid), '-m', '--', ...argv], o);

  async dispose(): Promise<void> {
    const domains = (await localExec(['virsh', '-c', this.uri, 'list', '--all', '--name'])).stdout.split('\n').filter(Boolean);
    for (const d of domains) {
      await localExec(['virsh', '-c', this.uri, 'destroy', d]);
      await localExec(['virsh', '-c', this.uri, 'undefine', d]);
    }
    const virtlogd = await readFile(join(this.dir, 'run/virtlogd.pid'), 'utf8').catch(() => '');
    for (const pid of [this.pid, Number(virtlogd.trim())]) {
      try {
        if (pid) process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await new Promise((r) => setTimeout(r, 300));
    await rm(this.dir, { recursive: true, force: true });
  }
}
