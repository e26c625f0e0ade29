// A clean Debian 12 root for package tests: made once with debootstrap
// (Debian's mirror is the one network these machines reach) and kept as a
// tarball under /var/cache, then unpacked fresh for each test.
//
// Commands run inside a private mount namespace that a holder process
// keeps open, whose root is the Debian root (pivot_root, not chroot: LXC
// pivots into its containers' roots, which a chrooted process cannot). The
// host's root is unmounted there, /proc, /sys, /dev and /run mounted there
// only: the host never sees them, and removing the root can never reach
// the host's /dev through a bind mount. The holder reads its stdin: when
// the test process dies, even by SIGKILL, the pipe closes and the
// namespace goes with it.
import { localExec } from '@capsule/transport';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh, until } from './run.js';

const CACHE = '/var/cache/capsule-testenv';
export const DEBIAN_ROOT_TARBALL = join(CACHE, 'debian12-root.tar');
const MIRROR = 'http://deb.debian.org/debian';
/** What the package tests need in the root besides dpkg: an init, LXC and its busybox template, logrotate. */
const INCLUDE = ['systemd', 'systemd-sysv', 'lxc', 'busybox-static', 'logrotate', 'iproute2', 'procps'];
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The cached root, made if missing; concurrent callers wait for the one making it (mkdir is the lock). */
async function rootTarball(): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  const lock = `${DEBIAN_ROOT_TARBALL}.lock`;
  for (;;) {
    if (existsSync(DEBIAN_ROOT_TARBALL)) return DEBIAN_ROOT_TARBALL;
    try {
      mkdirSync(lock);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const work = mkdtempSync(join(CACHE, 'debootstrap-'));
  try {
    if (existsSync(DEBIAN_ROOT_TARBALL)) return DEBIAN_ROOT_TARBALL;
    await sh('debootstrap', '--variant=minbase', `--include=${INCLUDE.join(',')}`, 'bookworm', join(work, 'root'), MIRROR);
    await sh('tar', '-C', join(work, 'root'), '-cf', join(work, 'root.tar'), '.');
    await sh('mv', join(work, 'root.tar'), DEBIAN_ROOT_TARBALL);
    return DEBIAN_ROOT_TARBALL;
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface ChrootResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command's output, or an error naming where it ran and what it said. */
function stdoutOf(where: string, argv: string[], r: ChrootResult): string {
  if (r.code !== 0) throw new Error(`in ${where}: ${argv.join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

export class DebianRoot {
  private constructor(
    readonly dir: string,
    private readonly holder: ChildProcess,
  ) {}

  /** A fresh root under `parent` (default /var/tmp), its mounts up. */
  static async create(parent = '/var/tmp'): Promise<DebianRoot> {
    const tarball = await rootTarball();
    const dir = mkdtempSync(join(parent, 'capsule-debian-'));
    try {
      await sh('tar', '-C', dir, '-xf', tarball);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    const script = [
      // A network of its own too: only its loopback, nothing of the host's to collide with.
      'set -e; R=$1; ip link set lo up',
      // pivot_root needs the new root to be a mount point.
      'mount --bind "$R" "$R"; mount -t proc proc "$R/proc"; mount --rbind /sys "$R/sys"; mount --rbind /dev "$R/dev"; mount -t tmpfs tmpfs "$R/run"',
      'cd "$R"; mkdir -p .old-root; pivot_root . .old-root; umount -l /.old-root; rmdir /.old-root',
      'echo ready; exec cat >/dev/null',
    ].join('; ');
    const holder = spawn('unshare', ['--mount', '--net', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    const root = new DebianRoot(dir, holder);
    await new Promise<void>((resolve, reject) => {
      let err = '';
      holder.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      holder.stdout!.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`test setup: the mount namespace of ${dir} ended (exit ${code}): ${err.trim()}`)));
    }).catch(async (e: unknown) => {
      await root.dispose();
      throw e;
    });
    return root;
  }

  /** Runs argv in the root (entering a mount namespace makes its root the process's), with a clean environment (PATH, and `env`). */
  run(argv: string[], env: Record<string, string> = {}): Promise<ChrootResult> {
    const vars = Object.entries({ PATH, HOME: '/root', LANG: 'C', ...env }).map(([k, v]) => `${k}=${v}`);
    return localExec(['nsenter', `--target=${this.holder.pid}`, '--mount', '--net', '--', '/usr/bin/env', '-i', ...vars, ...argv], { timeoutMs: 300_000 });
  }

  /** Like run(), failing on a non-zero exit with the command's output. */
  async ok(argv: string[], env: Record<string, string> = {}): Promise<string> {
    return stdoutOf(this.dir, argv, await this.run(argv, env));
  }

  /** The processes started inside: those in its mount namespace and their descendants (its containers'). */
  processes(): number[] {
    const ns = (pid: number | string) => {
      try {
        return readlinkSync(`/proc/${pid}/ns/mnt`);
      } catch {
        return undefined;
      }
    };
    const mine = ns(this.holder.pid!);
    const parent = new Map<number, number>();
    for (const d of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // gone
      }
    }
    const found = new Set([...parent.keys()].filter((pid) => pid !== this.holder.pid && mine && ns(pid) === mine));
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, ppid] of parent) if (!found.has(pid) && found.has(ppid)) grew = !!found.add(pid);
    }
    return [...found];
  }

  async dispose(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const pids = this.processes();
      if (!pids.length) break;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (this.holder.exitCode === null) {
      const gone = new Promise((r) => this.holder.once('exit', r));
      this.holder.stdin!.end();
      await gone;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The clean root booted: a privileged LXC container whose init is the
 * root's systemd, for what only a running systemd shows (a unit enabled,
 * started, restarted, its processes' cgroup). No network but loopback.
 */
export class DebianSystem {
  private constructor(
    readonly name: string,
    readonly lxcpath: string,
  ) {}

  get rootfs(): string {
    return join(this.lxcpath, this.name, 'rootfs');
  }

  static async boot(parent = '/var/tmp'): Promise<DebianSystem> {
    const tarball = await rootTarball();
    const lxcpath = mkdtempSync(join(parent, 'capsule-debsys-'));
    const sys = new DebianSystem('capsule-deb12', lxcpath);
    try {
      mkdirSync(sys.rootfs, { recursive: true });
      await sh('tar', '-C', sys.rootfs, '-xf', tarball);
      // debootstrap copied the build host's name; systemd would set it over lxc.uts.name.
      writeFileSync(join(sys.rootfs, 'etc/hostname'), `${sys.name}\n`);
      writeFileSync(
        join(lxcpath, sys.name, 'config'),
        [
          'lxc.include = /usr/share/lxc/config/common.conf',
          'lxc.arch = linux64',
          `lxc.uts.name = ${sys.name}`,
          `lxc.rootfs.path = dir:${sys.rootfs}`,
          'lxc.net.0.type = empty',
          'lxc.apparmor.profile = unconfined',
          // systemd needs its cgroup tree writable.
          'lxc.mount.auto = proc:mixed sys:mixed cgroup:rw:force',
          'lxc.autodev = 1',
          '',
        ].join('\n'),
      );
      await sh('lxc-start', '-P', lxcpath, '-n', sys.name);
      // Waits for boot to end (running, or degraded: a unit this container cannot start is not ours to judge).
      // Until systemd's bus is up, systemctl cannot ask (`Failed to connect to bus`).
      const boot = await until(`systemd in ${sys.name} to answer`, async () => {
        const r = await sys.run(['systemctl', 'is-system-running', '--wait']);
        return r.stdout.trim() ? r : undefined;
      }, 120_000);
      if (!/^(running|degraded)/.test(boot.stdout)) throw new Error(`test setup: systemd in ${sys.name} ended its boot ${boot.stdout.trim() || boot.stderr.trim()}`);
      return sys;
    } catch (e) {
      await sys.dispose();
      throw e;
    }
  }

  run(argv: string[], env: Record<string, string> = {}): Promise<ChrootResult> {
    const vars = Object.entries({ PATH, HOME: '/root', LANG: 'C', ...env }).flatMap(([k, v]) => ['--set-var', `${k}=${v}`]);
    return localExec(['lxc-attach', '-P', this.lxcpath, '-n', this.name, '--clear-env', ...vars, '--', ...argv], { timeoutMs: 300_000 });
  }

  async ok(argv: string[], env: Record<string, string> = {}): Promise<string> {
    return stdoutOf(this.name, argv, await this.run(argv, env));
  }

  async dispose(): Promise<void> {
    await localExec(['lxc-stop', '-P', this.lxcpath, '-n', this.name, '-k']);
    await localExec(['lxc-destroy', '-P', this.lxcpath, '-n', this.name, '-f']);
    rmSync(this.lxcpath, { recursive: true, force: true });
  }
}
