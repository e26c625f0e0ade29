// Real Podman test containers: a busybox image imported from the host's
// static busybox (no registry here), containers made for one test file and
// removed with the image and the temp files on dispose, whatever happened.
import { localExec } from '@capsule/transport';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs podman (or any setup command), failing the test with its words on a non-zero exit. */
export async function sh(...argv: string[]): Promise<string> {
  const r = await localExec(argv);
  if (r.code !== 0) throw new Error(`test setup: ${argv.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

export function uniqueName(prefix: string): string {
  return `${prefix}${process.pid.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** The state podman reports, or undefined when it does not know the container. */
export async function podmanState(name: string): Promise<string | undefined> {
  const r = await localExec(['podman', 'container', 'inspect', '--format', '{{.State.Status}}', name]);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/**
 * How this host lets podman run a container. crun refuses a host mixing
 * cgroup v1 and v2 ("cgroups in hybrid mode not supported"): runc, when
 * installed, does not. Podman's default ulimits for root (nofile 1048576)
 * exceed a sandbox's hard limits, and the runtime is refused even the hard
 * limit itself there (seen for nproc): half of it, 8192 at most.
 */
function hostArgs(): string[] {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  const hybrid = / - cgroup2 /.test(mounts) && / - cgroup /.test(mounts);
  const runc = ['/usr/sbin/runc', '/usr/bin/runc'].some((p) => existsSync(p));
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const below = (what: string) => {
    const hard = Number(new RegExp(`^${what} +\\S+ +(\\d+)`, 'm').exec(limits)?.[1] ?? 8192);
    return Math.min(8192, Math.floor(hard / 2));
  };
  const ulimit = (name: string, n: number) => ['--ulimit', `${name}=${n}:${n}`];
  return [...(hybrid && runc ? ['--runtime', 'runc'] : []), ...ulimit('nofile', below('Max open files')), ...ulimit('nproc', below('Max processes'))];
}

export interface CreateOptions {
  /** PID 1 ignores SIGTERM (a plain sleep): only the forced stop ends it. */
  ignoresShutdown?: boolean;
  /** `podman create` options: volumes, environment. */
  args?: string[];
  name?: string;
}

export class TestPodman {
  readonly hostArgs = hostArgs();
  private dir?: string;
  private tag?: string;
  private readonly names: string[] = [];

  /** A private temp directory, removed on dispose. */
  async tmp(): Promise<string> {
    this.dir ??= await mkdtemp(join(tmpdir(), 'capsule-podman-'));
    return this.dir;
  }

  /** The busybox image, imported once: /bin/busybox and a link per applet, root in /etc/passwd; its command stops on SIGTERM. */
  async image(): Promise<string> {
    if (this.tag) return this.tag;
    const rootfs = join(await this.tmp(), 'rootfs');
    for (const d of ['bin', 'etc', 'tmp', 'root', 'usr/local/bin', 'var/tmp', 'proc', 'sys', 'dev']) await mkdir(join(rootfs, d), { recursive: true });
    await copyFile('/bin/busybox', join(rootfs, 'bin/busybox'));
    for (const applet of (await sh('/bin/busybox', '--list')).split('\n').filter((a) => a && a !== 'busybox')) await symlink('busybox', join(rootfs, 'bin', applet));
    await writeFile(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
    await writeFile(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
    const tag = `localhost/${uniqueName('capsule-test-busybox-')}:1`;
    // Its command: PID 1 takes no signal's default action, so the shell's trap is what makes SIGTERM a clean stop.
    const cmd = `CMD ["/bin/sh", "-c", "trap 'exit 0' TERM; /bin/sleep 1000000 & wait"]`;
    await sh('sh', '-c', 'tar -C "$1" -c . | podman import --change "$2" - "$3"', 'sh', rootfs, cmd, tag);
    this.tag = tag;
    return tag;
  }

  /** A created (never started) container, hostname = name, no network. */
  async create(o: CreateOptions = {}): Promise<string> {
    const image = await this.image();
    const name = o.name ?? uniqueName('capsule-pm-');
    this.names.push(name);
    // A plain sleep as PID 1 ignores SIGTERM; the image's own command stops on it.
    const command = o.ignoresShutdown ? ['/bin/sleep', '1000000'] : [];
    await sh('podman', 'create', ...this.hostArgs, '--name', name, '--hostname', name, '--network', 'none', ...(o.args ?? []), image, ...command);
    return name;
  }

  /** A name to give the driver that creates the container itself (image keyword), removed on dispose all the same. */
  adopt(name: string): void {
    this.names.push(name);
  }

  async dispose(): Promise<void> {
    for (const name of this.names.splice(0)) await localExec(['podman', 'rm', '--force', '--time', '0', name]);
    if (this.tag) await localExec(['podman', 'rmi', '--force', this.tag]);
    this.tag = undefined;
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
