// The leaf vdevs of a pool in `zpool status -L -P` (zpool_main.c
// print_status_config): the devices a reservation of the pool takes, as
// OpenSVC's zpool_devs reads them. No I/O.

/** The full paths in the config tree: its leaves (the pool and mirror-N/raidz-N rows are names, not paths). */
export function vdevPaths(statusOut: string): string[] {
  const config = statusOut.split(/^config:\s*$/m)[1]?.split(/^errors:/m)[0] ?? '';
  const paths = config.split('\n').flatMap((l) => {
    const name = l.trim().split(/\s+/)[0] ?? '';
    return name.startsWith('/') ? [name] : [];
  });
  return [...new Set(paths)];
}
