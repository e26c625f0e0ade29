// The Debian package's control file. Pure: the builder gives it the figures.

export interface ControlOptions {
  /** Debian version: upstream version, then `-revision`. */
  version: string;
  arch: string;
  /** Size of the installed tree, KiB (dpkg's Installed-Size). */
  installedKiB: number;
  /** The bundled Node runtime needs only the C and C++ libraries; without it, Debian's nodejs (>= 20). */
  bundledNode: boolean;
}

/** Debian's architecture name for Node's `process.arch`. */
export function debArch(arch: string): string {
  const known: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386', ppc64: 'ppc64el', s390x: 's390x', riscv64: 'riscv64' };
  const a = known[arch];
  if (!a) throw new Error(`no Debian architecture for ${arch}`);
  return a;
}

export function controlFile(o: ControlOptions): string {
  const depends = o.bundledNode ? 'libc6, libstdc++6, libgcc-s1' : 'nodejs (>= 20.11)';
  return [
    'Package: capsule',
    `Version: ${o.version}`,
    `Architecture: ${o.arch}`,
    'Maintainer: capsule developers <capsule@example.org>',
    `Installed-Size: ${o.installedKiB}`,
    `Depends: ${depends}`,
    'Recommends: openssh-client, logrotate',
    'Suggests: lxc, libvirt-clients, etcd-client',
    'Section: admin',
    'Priority: optional',
    'Description: high-availability service agent with service encapsulation',
    ' capsule runs services that span a pool of hypervisor nodes and the',
    ' containers or virtual machines they run, with an agent at each level:',
    ' one OpenSVC-compatible file per service, heartbeats, quorum, failover.',
    ' The agent (capsule.service) stops without stopping the services it runs.',
    '',
  ].join('\n');
}
