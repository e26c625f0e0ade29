// Hosts for the remote-managed drivers' tests (hpvm, ldom, srp): an sshd
// that a simulator switches on and off as its guest boots and halts, and a
// management host whose ssh sessions find a simulator first on PATH.
import type { SshEndpoint } from '@capsule/transport/ssh';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localExec, SshSessions } from '@capsule/transport';
import { sh } from './run.js';
import type { TestNetwork } from './netns.js';
import { CLEAN_SHELL, sshdOptions, startSshd } from './sshd.js';

export interface SwitchedSshd {
  ns: string;
  /** Where it listens, as this process reaches it. */
  address: string;
  /** With the test's own client key and a known_hosts naming this server. */
  endpoint: SshEndpoint;
  /** `ADDRESS ssh-ed25519 AAAA...`, for a shared known_hosts. */
  knownHostsLine: string;
  /** Shell commands that start sshd (daemonized: it listens when they return) and stop it with every session. */
  bootScript: string;
  haltScript: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

export interface SwitchedSshdOptions {
  /** A further client public key to authorize (a test's own key shared by many guests). */
  authorize?: string;
  /** Variables set in every session (sshd's SetEnv): PATH with a simulator first, its state directory. */
  setEnv?: Record<string, string>;
}

/**
 * An sshd in a namespace of its own, stopped until `start()` or its boot
 * script runs: a guest whose power a simulator controls through its
 * boot/halt hooks, or a management host. Dispose stops it.
 */
export async function switchedSshd(net: TestNetwork, o: SwitchedSshdOptions = {}): Promise<SwitchedSshd> {
  const host = await net.host();
  const { there: address } = await net.linkToHere(host, 'eth0');
  // startSshd makes the keys and known_hosts and proves they work, then steps aside.
  const made = await startSshd(host, address);
  await made.stop();
  if (o.authorize) await appendFile(join(made.dir, 'authorized_keys'), `${o.authorize.trim()}\n`);
  const env = Object.entries(o.setEnv ?? {}).map(([k, v]) => `${k}=${v}`);
  const argv = ['ip', 'netns', 'exec', host.ns, ...CLEAN_SHELL, '/usr/sbin/sshd', ...sshdOptions(made.dir, address, 22), '-o', `PidFile=${join(made.dir, 'sshd.pid')}`, ...(env.length ? ['-o', `SetEnv=${env.join(' ')}`] : [])];
  const bootScript = argv.map(shellQuote).join(' ');
  // Every process in the namespace is this sshd or one of its sessions.
  const haltScript = `for p in $(ip netns pids ${host.ns}); do kill -9 "$p" 2>/dev/null; done; rm -f ${shellQuote(join(made.dir, 'sshd.pid'))}`;
  await writeFile(join(made.dir, 'boot'), `#!/bin/sh\n${bootScript}\n`, { mode: 0o755 });
  await writeFile(join(made.dir, 'halt'), `#!/bin/sh\n${haltScript}\n`, { mode: 0o755 });
  const run = async (script: string) => {
    const r = await localExec(['sh', '-c', script]);
    if (r.code !== 0) throw new Error(`test setup: ${script} exited ${r.code}: ${r.stderr.trim()}`);
  };
  return {
    ns: host.ns,
    address,
    endpoint: made.endpoint,
    knownHostsLine: (await readFile(made.endpoint.knownHosts, 'utf8')).trim(),
    bootScript,
    haltScript,
    start: () => run(bootScript),
    stop: () => run(haltScript),
    async dispose() {
      await run(haltScript);
      await made.dispose();
    },
  };
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Makes a simulator's boot and halt hooks (`hooks/boot GUEST`,
 * `hooks/halt GUEST` in its state directory) start and stop `sshd` for
 * `guest`: the guest answers over ssh exactly while the simulator says it runs.
 */
export async function wireGuestPower(stateDir: string, guest: string, sshd: SwitchedSshd): Promise<void> {
  for (const kind of ['boot', 'halt'] as const) {
    await mkdir(join(stateDir, 'hooks', `${kind}.d`), { recursive: true });
    // One dispatcher per host: the guest's own script, if it has one.
    await writeFile(join(stateDir, 'hooks', kind), '#!/bin/sh\nif [ -x "$0.d/$1" ]; then exec "$0.d/$1"; fi\n', { mode: 0o755 });
    await writeFile(join(stateDir, 'hooks', `${kind}.d`, guest), `#!/bin/sh\n${kind === 'boot' ? sshd.bootScript : sshd.haltScript}\n`, { mode: 0o755 });
  }
}

/**
 * Guests reached over ssh with one client key and one known_hosts, as a
 * node reaches its guests; each guest's sshd is powered by a simulator.
 */
export class SshGuests {
  private readonly sshds: SwitchedSshd[] = [];
  private dir = '';
  ssh!: SshSessions;

  constructor(private readonly net: TestNetwork) {}

  async init(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'capsule-sshguests-'));
    await writeFile(join(this.dir, 'known_hosts'), '');
    await sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'capsule-test', '-f', join(this.dir, 'id'));
    this.ssh = new SshSessions({ identityFile: join(this.dir, 'id'), knownHosts: join(this.dir, 'known_hosts'), connectTimeoutMs: 1500 });
  }

  /** A guest named `name` on the simulated host in `stateDir`: down until the simulator boots it. */
  async guest(stateDir: string, name: string, o: Omit<SwitchedSshdOptions, 'authorize'> = {}): Promise<SwitchedSshd> {
    const sshd = await switchedSshd(this.net, { ...o, authorize: await readFile(join(this.dir, 'id.pub'), 'utf8') });
    this.sshds.push(sshd);
    await appendFile(join(this.dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
    await wireGuestPower(stateDir, name, sshd);
    return sshd;
  }

  async dispose(): Promise<void> {
    await this.ssh?.close();
    for (const s of this.sshds.splice(0)) await s.dispose();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
