// The QEMU guest agent for test VMs, as an initramfs archive of its own:
// Debian's qemu-ga with the libraries ldd lists and the dynamic loader, and
// the virtio-serial module. The kernel unpacks concatenated archives in
// order, so a qga guest boots the base image with this one appended, and a
// guest without qga boots the base image unchanged.
import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { sh } from './run.js';

const QEMU_GA = '/usr/sbin/qemu-ga';
/** Where the agent lives in the guest: a prefix of its own, since an agent VM links /usr, /lib64 and the library directory to its tools disk. */
export const QGA_PREFIX = '/qga';
export const QGA_MODULES = ['drivers/char/virtio_console'];
/** The port name libvirt and qemu-ga agree on. */
export const QGA_PORT = 'org.qemu.guest_agent.0';

/**
 * Init's part for qga (sourced by the base init when the archive is there):
 * no udev in the guest, so the port's /dev/virtio-ports link is never made;
 * the port is found by its name in sysfs. The agent runs through the loader
 * with its own library path, and guest-exec'd commands get a usual PATH.
 */
const QGA_INIT = `for m in ${QGA_MODULES.map((m) => m.split('/').pop()).join(' ')}; do insmod /modules/$m.ko || echo "capsule-guest: insmod $m failed"; done
port=
for i in $(seq 50); do
  for p in /sys/class/virtio-ports/*; do [ "$(cat $p/name 2>/dev/null)" = ${QGA_PORT} ] && port=/dev/\${p##*/}; done
  [ -n "$port" ] && [ -c "$port" ] && break
  port=; sleep 0.1
done
if [ -n "$port" ]; then
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin ${QGA_PREFIX}/lib/ld.so --library-path ${QGA_PREFIX}/lib ${QGA_PREFIX}/qemu-ga -m virtio-serial -p "$port" -t /run &
  echo "capsule-guest: qemu-ga on $port"
else
  echo "capsule-guest: no ${QGA_PORT} port"
fi
`;

/** Builds `DIR/qga.cpio.gz` from the host's qemu-ga; `modules` is the kernel cache's module tree. */
export async function qgaArchive(dir: string, modules: string): Promise<string> {
  if (!existsSync(QEMU_GA)) throw new Error(`test setup: no ${QEMU_GA}: run scripts/bootstrap (it installs qemu-guest-agent)`);
  const root = join(dir, 'qga-root');
  const lib = join(root, QGA_PREFIX, 'lib');
  await mkdir(lib, { recursive: true });
  await mkdir(join(root, 'modules'), { recursive: true });
  await copyFile(QEMU_GA, join(root, QGA_PREFIX, 'qemu-ga'));
  for (const m of (await sh('ldd', QEMU_GA)).matchAll(/(\/\S+\.so[.\d]*)/g)) {
    const file = m[1]!;
    // The loader under one fixed name, whatever the host calls it.
    await copyFile(file, join(lib, /\/ld-linux[^/]*$/.test(file) ? 'ld.so' : basename(file)));
  }
  await chmod(join(lib, 'ld.so'), 0o755);
  for (const m of QGA_MODULES) await copyFile(join(modules, `${m}.ko`), join(root, 'modules', `${m.split('/').pop()}.ko`));
  await writeFile(join(root, 'qga.init'), QGA_INIT);
  const out = join(dir, 'qga.cpio.gz');
  await sh('sh', '-c', `cd '${root}' && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 > '${out}'`);
  return out;
}
