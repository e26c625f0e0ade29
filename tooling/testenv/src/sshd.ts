// A real OpenSSH server on a test host: host and client keys generated for
// the test, a known_hosts file naming the host key, sshd started in the
// host's network namespace and stopped (with its files) on dispose.
import type { SshEndpoint } from '@capsule/transport/ssh';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localExec } from '@capsule/transport';
import type { TestHost } from './netns.js';
import { sh } from './run.js';

export interface TestSshd {
  /** Where the server listens, as the client reaches it. */
  host: string;
  port: number;
  dir: string;
  /** `ssh-ed25519 AAAA...` of the server. */
  hostPublicKey: string;
  /** An endpoint with the client key and a known_hosts naming this server. */
  endpoint: SshEndpoint;
  /** Stops sshd; a new `restart()` serves again with the same keys. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

async function keygen(file: string, type: 'ed25519' | 'rsa'): Promise<string> {
  await sh('ssh-keygen', '-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', 'capsule-test', '-f', file);
  return (await readFile(`${file}.pub`, 'utf8')).trim();
}

/**
 * Runs the rest of argv with the machine's ~/.bashrc out of the way: bash
 * reads it under sshd, and a slow one would be measured as transport time.
 */
export const CLEAN_SHELL = ['unshare', '-m', '--propagation', 'private', 'sh', '-c', 'for f in /root/.bashrc /root/.profile; do [ -f "$f" ] && mount --bind /dev/null "$f"; done; exec "$0" "$@"'];

/** sshd's settings for a test host whose keys are in `dir`: root by key only. */
export function sshdOptions(dir: string, address: string, port: number): string[] {
  return [
    '-f', '/dev/null',
    '-o', `HostKey=${join(dir, 'host_ed25519')}`,
    '-o', `ListenAddress=${address}:${port}`,
    '-o', `AuthorizedKeysFile=${join(dir, 'authorized_keys')}`,
    '-o', 'StrictModes=no',
    '-o', 'PermitRootLogin=prohibit-password',
    '-o', 'PasswordAuthentication=no',
    '-o', 'KbdInteractiveAuthentication=no',
    '-o', 'UsePAM=no',
    '-o', 'Subsystem=sftp internal-sftp',
  ];
}

/** Waits until `host:port` accepts a connection (sshd forks nothing to tell us it listens). */
async function listening(host: string, port: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`test setup: sshd on ${host}:${port} did not listen within 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The processes of `host`'s namespace descending from `pid`. */
async function descendants(host: TestHost, pid: number): Promise<number[]> {
  const pids = (await localExec(['ip', 'netns', 'pids', host.ns])).stdout.split('\n').filter(Boolean).map(Number);
  const parent = new Map<number, number>();
  for (const p of pids) {
    const stat = await readFile(`/proc/${p}/stat`, 'utf8').catch(() => '');
    // The fields after the command name (which may hold spaces) start with state, ppid.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) parent.set(p, ppid);
  }
  const isDescendant = (p: number): boolean => {
    for (let q = parent.get(p), hops = 0; q !== undefined && hops < 64; q = parent.get(q), hops++) if (q === pid) return true;
    return false;
  };
  return pids.filter(isDescendant);
}

/**
 * sshd in `host`'s namespace listening on `address` (reachable from this
 * process, for example through `TestNetwork.linkToHere`), root login by key only.
 */
export interface SshdOptions {
  port?: number;
  clientKey?: 'ed25519' | 'rsa';
  /** More public keys allowed to log in (a test cluster's own key). */
  authorizedKeys?: string[];
  /** Environment of the sessions (sshd SetEnv): CAPSULE_ROOT, PATH to a test node's svcmgr... */
  setEnv?: Record<string, string>;
}

export async function startSshd(host: TestHost, address: string, o: SshdOptions = {}): Promise<TestSshd> {
  const port = o.port ?? 22;
  const dir = await mkdtemp(join(tmpdir(), 'capsule-sshd-'));
  // sshd's privilege separation directory.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const hostPublicKey = (await keygen(join(dir, 'host_ed25519'), 'ed25519')).split(' ').slice(0, 2).join(' ');
  const clientPub = await keygen(join(dir, 'id'), o.clientKey ?? 'ed25519');
  await writeFile(join(dir, 'authorized_keys'), [clientPub, ...(o.authorizedKeys ?? [])].join('\n') + '\n', { mode: 0o600 });
  const name = port === 22 ? address : `[${address}]:${port}`;
  await writeFile(join(dir, 'known_hosts'), `${name} ${hostPublicKey}\n`);
  const setEnv = o.setEnv ? ['-o', `SetEnv=${Object.entries(o.setEnv).map(([k, v]) => `${k}=${v}`).join(' ')}`] : [];
  const args = ['netns', 'exec', host.ns, ...CLEAN_SHELL, SSHD, '-D', '-e', ...sshdOptions(dir, address, port), '-o', 'PidFile=none', ...setEnv];
  let child: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    child = spawn('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
    try {
      await listening(address, port, Date.now() + 10_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}; sshd said: ${log.trim()}`);
    }
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c) return;
    // The per-connection sshd processes outlive the listener (they hold our stderr
    // pipe, and a session to a host whose link is down never ends): they go too.
    const sessions = c.pid ? await descendants(host, c.pid) : [];
    if (c.exitCode === null && c.signalCode === null) {
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
      });
    }
    for (const pid of sessions) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    c.stderr?.destroy();
  };
  await start();
  return {
    host: address,
    port,
    dir,
    hostPublicKey,
    endpoint: { host: address, port, user: 'root', identityFile: join(dir, 'id'), knownHosts: join(dir, 'known_hosts'), connectTimeoutMs: 3000 },
    stop,
    restart: start,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
