// Commands run "in a guest" the way a native-exec tool (zlogin, jexec) runs
// them: in a clean login environment, from the guest's root, with the
// guest's own CAPSULE_ROOT and CAPSULE_NODENAME, so a capsule agent started
// there answers for the guest as one installed in a real zone or jail would.
// Processes run on this host's filesystem: the guest's own directories come
// first on PATH, the host's system directories after them (a sparse-root
// zone shares /usr with its host the same way).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';

export function guestPath(root, extra = []) {
  const own = ['usr/local/sbin', 'usr/local/bin', 'usr/sbin', 'usr/bin', 'sbin', 'bin'].map((d) => join(root, d));
  return [...extra, ...own, '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'].join(':');
}

/** `/etc/rc` inside the guest: the guest's file when it has one, else the path as given. */
export function inGuest(root, path) {
  return path.startsWith('/') && existsSync(join(root, path)) ? join(root, path) : path;
}

/**
 * Runs argv in the guest with this process's stdin, stdout and stderr and
 * returns its exit status (128+N for a signal, 127 for a command that is
 * not there, as a shell reports them). `env` adds variables (the guest's
 * own tools that the simulator provides read theirs from it); `inherit`
 * keeps the caller's environment (jexec without -l) under the guest's own.
 */
export function runInGuest({ root, name, argv, env = {}, binDirs = [], tool, inherit = false }) {
  const home = existsSync(join(root, 'root')) ? join(root, 'root') : root;
  const { CAPSULE_SIM_STATE: _, ...caller } = process.env;
  const login = { HOME: home, LOGNAME: 'root', USER: 'root', SHELL: '/bin/sh', LANG: 'C' };
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: inherit ? root : home,
    stdio: 'inherit',
    env: { ...(inherit ? caller : login), PATH: guestPath(root, binDirs), CAPSULE_ROOT: root, CAPSULE_NODENAME: name, ...env },
  });
  if (r.error?.code === 'ENOENT') {
    process.stderr.write(`${tool}: exec ${argv[0]}: No such file or directory\n`);
    return 127;
  }
  if (r.error) {
    process.stderr.write(`${tool}: exec ${argv[0]}: ${r.error.message}\n`);
    return 126;
  }
  return r.status ?? 128 + (constants.signals[r.signal] ?? 9);
}
