// ssh2 connections, one per endpoint, reused across commands: host keys
// checked against known_hosts (never accepted silently), key-based auth,
// agent forwarding off, at most `maxChannels` sessions at once per
// connection (OpenSSH's MaxSessions is 10), keepalives, a reconnect with
// backoff after a drop, and a connect timeout so an unanswering host fails
// instead of hanging. The only place that opens connections.
import { CapsuleError, isCapsuleError } from '@capsule/core';
import { readFile, stat } from 'node:fs/promises';
import ssh2, { type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';

// ssh2 is CommonJS: Node's ESM loader gives it as a default export only.
const { Client, utils } = ssh2;
type Client = InstanceType<typeof Client>;
import { checkHostKey, fingerprint, hostName, keyTypeOf, parseKnownHosts } from './known-hosts.js';

export interface SshEndpoint {
  host: string;
  port?: number;
  user: string;
  /** OpenSSH private key file (ed25519 or RSA, OpenSSH or PEM format). */
  identityFile: string;
  /** OpenSSH known_hosts file the host key must be in. */
  knownHosts: string;
  connectTimeoutMs?: number;
}

export interface PoolOptions {
  maxChannels?: number;
  keepaliveIntervalMs?: number;
  /** Delays between reconnect attempts after a drop; the last one repeats no more. */
  backoffMs?: readonly number[];
}

const DEFAULTS = { maxChannels: 10, keepaliveIntervalMs: 15_000, backoffMs: [0, 200, 1000] };

const keyOf = (e: SshEndpoint) => `${e.user}@${hostName(e.host, e.port ?? 22)}`;

/** A counting semaphore: channels of one connection. */
class Slots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async take(): Promise<() => void> {
    if (this.used >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.used++;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.used--;
      this.waiting.shift()?.();
    };
  }
}

export class Connection {
  readonly slots: Slots;
  closed = false;
  constructor(
    readonly client: Client,
    max: number,
  ) {
    this.slots = new Slots(max);
    client.on('close', () => (this.closed = true));
  }

  /** An exec channel; the caller gives its slot back when the channel is done. */
  async exec(command: string): Promise<{ channel: ClientChannel; release: () => void }> {
    const release = await this.slots.take();
    try {
      const channel = await new Promise<ClientChannel>((resolve, reject) => {
        // exec() returns false when the request is only queued (flow control); the callback fires either way.
        this.client.exec(command, (err, ch) => (err ? reject(err) : resolve(ch)));
      });
      return { channel, release };
    } catch (e) {
      release();
      throw e;
    }
  }

  async sftp(): Promise<{ sftp: SFTPWrapper; release: () => void }> {
    const release = await this.slots.take();
    try {
      return { sftp: await new Promise<SFTPWrapper>((resolve, reject) => this.client.sftp((err, s) => (err ? reject(err) : resolve(s)))), release };
    } catch (e) {
      release();
      throw e;
    }
  }
}

function hostKeyError(e: SshEndpoint, verdict: ReturnType<typeof checkHostKey>, blob: Buffer): CapsuleError {
  const name = hostName(e.host, e.port ?? 22);
  const fp = fingerprint(blob);
  if (verdict.kind === 'changed') {
    return new CapsuleError('HostKeyChanged', `${name} presented a different ${keyTypeOf(blob)} host key (${fp}) than line ${verdict.line} of ${e.knownHosts}: refused`, {
      hint: `if ${name} was reinstalled, check the new fingerprint out of band, then \`ssh-keygen -R '${name}' -f ${e.knownHosts}\` and add the new key; otherwise someone may be in the middle`,
      details: { host: e.host, port: e.port ?? 22, fingerprint: fp, line: verdict.line },
    });
  }
  if (verdict.kind === 'revoked') {
    return new CapsuleError('HostKeyChanged', `${name} presented a revoked host key (${fp}, line ${verdict.line} of ${e.knownHosts}): refused`, { hint: 'the key is marked @revoked: find out why before going on', details: { fingerprint: fp } });
  }
  return new CapsuleError('HostKeyUnknown', `${name} is not in ${e.knownHosts}: its ${keyTypeOf(blob)} host key is ${fp}; refused`, {
    hint: `check this fingerprint out of band (\`ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub\` on ${e.host}), then add its line: \`ssh-keyscan -p ${e.port ?? 22} ${e.host} >> ${e.knownHosts}\``,
    details: { host: e.host, port: e.port ?? 22, fingerprint: fp },
  });
}

export class SshPool {
  private readonly conns = new Map<string, Promise<Connection>>();
  /** Aborts of the connections being made: close() ends them at once. */
  private readonly connecting = new Set<() => void>();
  private closing = false;
  private readonly o: typeof DEFAULTS;

  constructor(o: PoolOptions = {}) {
    this.o = { ...DEFAULTS, ...o, backoffMs: [...(o.backoffMs ?? DEFAULTS.backoffMs)] };
  }

  /** The endpoint's connection, opened (or reopened after a drop, with backoff) when needed. */
  async connection(e: SshEndpoint): Promise<Connection> {
    const key = keyOf(e);
    const existing = this.conns.get(key);
    if (existing) {
      const c = await existing.catch(() => undefined);
      if (c && !c.closed) return c;
      this.conns.delete(key);
    }
    const p = this.connectWithBackoff(e);
    this.conns.set(key, p);
    p.catch(() => this.conns.get(key) === p && this.conns.delete(key));
    return p;
  }

  private async connectWithBackoff(e: SshEndpoint): Promise<Connection> {
    let last: unknown;
    for (const delay of this.o.backoffMs) {
      if (delay) await new Promise((r) => setTimeout(r, delay));
      // Closed meanwhile: no more attempts (a command done with its peers does not wait for a dead one).
      if (this.closing) throw last ?? unreachable(e, 'the ssh sessions were closed');
      try {
        return await this.connect(e);
      } catch (err) {
        last = err;
        // A host key problem or refused credentials do not get better by retrying.
        const code = (err as { code?: string }).code;
        if (code === 'HostKeyUnknown' || code === 'HostKeyChanged' || code === 'SshAuthFailed' || code === 'SshKeyInvalid' || code === 'SshKeyUnsafe') throw err;
      }
    }
    throw last;
  }

  private async connect(e: SshEndpoint): Promise<Connection> {
    const [privateKey, known] = await Promise.all([readKey(e), readFile(e.knownHosts, 'utf8').catch(() => '')]);
    const entries = parseKnownHosts(known);
    const port = e.port ?? 22;
    const timeout = e.connectTimeoutMs ?? 10_000;
    const client = new Client();
    let rejected: CapsuleError | undefined;
    const config: ConnectConfig = {
      host: e.host,
      port,
      username: e.user,
      privateKey,
      agentForward: false,
      readyTimeout: timeout,
      keepaliveInterval: this.o.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      hostVerifier: (blob: Buffer) => {
        const verdict = checkHostKey(entries, e.host, port, keyTypeOf(blob), blob);
        if (verdict.kind === 'match') return true;
        rejected = hostKeyError(e, verdict, blob);
        return false;
      },
    };
    return new Promise<Connection>((resolve, reject) => {
      let settled = false;
      const fail = (err: CapsuleError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.connecting.delete(abort);
        client.destroy();
        reject(err);
      };
      // close() ends a connection still being made at once, rather than waiting for its timeout.
      const abort = () => fail(unreachable(e, 'the ssh sessions were closed while connecting'));
      this.connecting.add(abort);
      // readyTimeout covers the handshake; this covers a host that never answers the TCP connect.
      const timer = setTimeout(() => fail(unreachable(e, `no answer within ${timeout / 1000}s`)), timeout + 500);
      client.once('ready', () => {
        if (settled) return client.end();
        settled = true;
        clearTimeout(timer);
        this.connecting.delete(abort);
        // Commands are small request/response exchanges: Nagle's delay would dominate them.
        client.setNoDelay(true);
        resolve(new Connection(client, this.o.maxChannels));
      });
      // Errors after 'ready' end the connection ('close' marks it for reconnect);
      // the command that was running reports SshDisconnected.
      client.on('error', (err: Error & { level?: string }) => {
        if (rejected) fail(rejected);
        else if (err.level === 'client-authentication') fail(new CapsuleError('SshAuthFailed', `${e.user}@${e.host}:${port} refused the key ${e.identityFile}`, { hint: `add its public key to ~${e.user}/.ssh/authorized_keys on ${e.host}` }));
        else fail(unreachable(e, err.message));
      });
      client.connect(config);
    });
  }

  /** Closes every connection (the process is ending, or the pool is done). */
  async close(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    this.closing = true;
    for (const abort of [...this.connecting]) abort();
    await Promise.all(
      all.map(async (p) => {
        const c = await p.catch(() => undefined);
        if (!c) return;
        // A polite disconnect, then the socket goes whatever the peer does: a host that
        // vanished never acknowledges, and its socket would keep the process alive.
        c.client.end();
        // ssh2's destroy() does nothing once end() made the socket unwritable: reach the socket itself.
        const sock = (c.client as unknown as { _sock?: { destroy(): void } })._sock;
        setTimeout(() => sock?.destroy(), 500).unref();
      }),
    );
  }
}

/**
 * The identity file, read and parsed here so a bad key is named once, not
 * retried as a network error. A key others can read is refused, as OpenSSH
 * refuses it: whoever read it is this node to every guest and peer.
 */
async function readKey(e: SshEndpoint): Promise<Buffer> {
  let key: Buffer;
  try {
    const mode = (await stat(e.identityFile)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new CapsuleError('SshKeyUnsafe', `the ssh key ${e.identityFile} is readable by others (mode ${mode.toString(8)}): it is not used`, {
        hint: `chmod 600 ${e.identityFile}`,
        details: { file: e.identityFile, mode: mode.toString(8) },
      });
    }
    key = await readFile(e.identityFile);
  } catch (err) {
    if (isCapsuleError(err)) throw err;
    throw new CapsuleError('SshKeyInvalid', `cannot read the ssh key ${e.identityFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'set the identity file of this endpoint to a readable private key (ed25519 or RSA)' });
  }
  const parsed = utils.parseKey(key);
  if (parsed instanceof Error) {
    throw new CapsuleError('SshKeyInvalid', `the ssh key ${e.identityFile} cannot be used: ${parsed.message}`, { hint: 'use an unencrypted ed25519 or RSA private key in OpenSSH or PEM format (`ssh-keygen -t ed25519 -N "" -f FILE`)' });
  }
  return key;
}

export function unreachable(e: SshEndpoint, why: string): CapsuleError {
  return new CapsuleError('SshUnreachable', `${e.user}@${hostName(e.host, e.port ?? 22)} is unreachable: ${why}`, {
    hint: `check that ${e.host} is up and its sshd listens on port ${e.port ?? 22}`,
    details: { host: e.host, port: e.port ?? 22 },
  });
}
