// The drivers this repository publishes, by what they provide: a type no
// installed package provides is told to install one of these, or that no
// capsule driver exists for it (never a package name made up from the type).
// A test keeps the table equal to plugins/*/package.json.

export const KNOWN_DRIVERS: Readonly<Record<string, string>> = {
  'container.esx': '@capsule/driver-esx',
  'container.hpvm': '@capsule/driver-hpvm',
  'container.jail': '@capsule/driver-jail',
  'container.kvm': '@capsule/driver-kvm',
  'container.ldom': '@capsule/driver-ldom',
  'container.lxc': '@capsule/driver-lxc',
  'container.openstack': '@capsule/driver-openstack',
  'container.ovm': '@capsule/driver-ovm',
  'container.srp': '@capsule/driver-srp',
  'container.vbox': '@capsule/driver-vbox',
  'container.vcloud': '@capsule/driver-vcloud',
  'container.vz': '@capsule/driver-vz',
  'container.xen': '@capsule/driver-xen',
  'container.zone': '@capsule/driver-zone',
  app: '@capsule/resource-app',
  'disk.disk': '@capsule/resource-disk',
  'disk.drbd': '@capsule/resource-drbd',
  'disk.loop': '@capsule/resource-disk',
  'disk.lv': '@capsule/resource-disk',
  'disk.lvm': '@capsule/resource-disk',
  'disk.md': '@capsule/resource-disk',
  'disk.raw': '@capsule/resource-disk',
  'disk.scsireserv': '@capsule/resource-scsireserv',
  'disk.vg': '@capsule/resource-disk',
  'disk.zpool': '@capsule/resource-zpool',
  fs: '@capsule/resource-fs',
  ip: '@capsule/resource-ip',
  sync: '@capsule/resource-sync',
};

/** The package providing `group.type`, else the group's: the lookup order of DriverRegistry.resolve. */
export function knownPackage(group: string, type?: string): string | undefined {
  for (const key of type ? [`${group}.${type}`, group] : [group]) if (Object.hasOwn(KNOWN_DRIVERS, key)) return KNOWN_DRIVERS[key];
  return undefined;
}
