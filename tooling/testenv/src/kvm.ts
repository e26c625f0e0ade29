// Real test VMs on libvirt (domain type qemu: software emulation, since
// nested KVM hangs here): Debian's cloud kernel and a busybox initramfs that
// boots in a few seconds. A guest powers off on the ACPI power button
// (`virsh shutdown`) unless told to ignore it. libvirtd and virtlogd are
// started when they are not running; every domain, file and daemon the
// fixture started is removed on dispose.
import { localExec } from '@capsule/transport';
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sh, uniqueName } from './run.js';

/** Where scripts/bootstrap unpacks the kernel. */
export const KERNEL_CACHE = '/var/cache/capsule-testenv/kernel';
export const TEST_URI = 'qemu:///system';

const MODULES = [
  'drivers/virtio/virtio_pci_legacy_dev',
  'drivers/virtio/virtio_pci_modern_dev',
  'drivers/virtio/virtio_pci',
  'net/core/failover',
  'drivers/net/net_failover',
  'drivers/net/virtio_net',
  'drivers/acpi/button',
  'drivers/input/evdev',
];

// PID 1 of the guest. Kernel arguments: capsule.hostname, capsule.shutdown=ignore.
const INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in ${MODULES.map((m) => m.split('/').pop()).join(' ')}; do insmod /lib/modules/$m.ko 2>/dev/null; done
arg() { sed -n "s/.*capsule\\.$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
hostname "$(arg hostname)"
if [ "$(arg shutdown)" != ignore ]; then
  for e in /sys/class/input/event*; do
    if grep -q "Power Button" $e/device/name 2>/dev/null; then
      # One input_event (24 bytes) from the power button: power off.
      ( dd if=/dev/input/\${e##*/} bs=24 count=1 of=/dev/null 2>/dev/null && { echo "capsule-guest: power button"; poweroff -f; } ) &
    fi
  done
fi
echo "capsule-guest: up as $(hostname)"
while :; do sleep 3600; done
`;

export interface TestVm {
  name: string;
  uri: string;
  consoleLog: string;
}

function running(name: string): boolean {
  return spawnSync('pgrep', ['-x', name]).status === 0;
}

export class TestVms {
  private dir?: string;
  private readonly domains: string[] = [];
  private readonly daemons: string[] = [];

  /** Starts libvirtd and virtlogd when they are not running (remembered, stopped on dispose). */
  async libvirt(): Promise<void> {
    for (const d of ['virtlogd', 'libvirtd']) {
      if (running(d)) continue;
      await sh(d, '-d');
      this.daemons.push(d);
    }
    for (let i = 0; i < 50; i++) {
      if ((await localExec(['virsh', '-c', TEST_URI, 'version'])).code === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('test setup: libvirtd does not answer on qemu:///system');
  }

  private async image(): Promise<string> {
    if (this.dir) return this.dir;
    if (!existsSync(join(KERNEL_CACHE, 'vmlinuz'))) throw new Error(`test setup: no kernel in ${KERNEL_CACHE}: run scripts/bootstrap`);
    const dir = await mkdtemp(join(tmpdir(), 'capsule-vm-'));
    const root = join(dir, 'root');
    for (const d of ['bin', 'proc', 'sys', 'dev', 'lib/modules', 'etc', 'tmp', 'root']) await mkdir(join(root, d), { recursive: true });
    await copyFile('/bin/busybox', join(root, 'bin/busybox'));
    await chmod(join(root, 'bin/busybox'), 0o755);
    for (const m of MODULES) await copyFile(join(KERNEL_CACHE, 'modules', `${m}.ko`), join(root, 'lib/modules', `${m.split('/').pop()}.ko`));
    await writeFile(join(root, 'init'), INIT, { mode: 0o755 });
    await sh('sh', '-c', `cd '${root}' && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 > ../initrd.gz`);
    await copyFile(join(KERNEL_CACHE, 'vmlinuz'), join(dir, 'vmlinuz'));
    // qemu runs as libvirt-qemu: the image must be readable by it.
    await chmod(dir, 0o755);
    this.dir = dir;
    return dir;
  }

  /** Defines (does not start) a guest; `shutdown: 'ignore'` makes it ignore `virsh shutdown`. */
  async define(o: { hostname?: string; shutdown?: 'obey' | 'ignore' } = {}): Promise<TestVm> {
    await this.libvirt();
    const dir = await this.image();
    const name = uniqueName('capsule-vm-');
    const consoleLog = join(dir, `${name}.console.log`);
    const xml = `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${join(dir, 'vmlinuz')}</kernel>
    <initrd>${join(dir, 'initrd.gz')}</initrd>
    <cmdline>console=ttyS0 quiet capsule.hostname=${o.hostname ?? name} capsule.shutdown=${o.shutdown ?? 'obey'}</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <serial type='file'><source path='${consoleLog}'/><target port='0'/></serial>
  </devices>
</domain>
`;
    const file = join(dir, `${name}.xml`);
    await writeFile(file, xml);
    this.domains.push(name);
    await sh('virsh', '-c', TEST_URI, 'define', file);
    return { name, uri: TEST_URI, consoleLog };
  }

  async console(vm: TestVm): Promise<string> {
    return readFile(vm.consoleLog, 'utf8').catch(() => '');
  }

  async dispose(): Promise<void> {
    for (const d of this.domains.splice(0)) {
      await localExec(['virsh', '-c', TEST_URI, 'destroy', d]);
      await localExec(['virsh', '-c', TEST_URI, 'undefine', d]);
    }
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    for (const d of this.daemons.splice(0).reverse()) await localExec(['pkill', '-x', d]);
  }
}
