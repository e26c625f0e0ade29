// The ssh2 transport against an in-process ssh2 Server on loopback: the
// server runs each command with `sh -c` for real, and can misbehave on
// demand (drop mid-command, refuse channels, change its host key).
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { SshPool, type SshEndpoint } from '../src/ssh/index.js';
import { sshExec } from '../src/ssh/index.js';

const { Server, utils } = ssh2;

interface Behaviour {
  refuseSessions?: boolean;
  dropOn?: string;
  authDelayMs?: number;
}

let dir: string;
const clientKey = utils.generateKeyPairSync('ed25519');
const clientPub = utils.parseKey(clientKey.public) as ssh2.ParsedKey;

function startServer(hostKey: string, b: Behaviour = {}) {
  const stats = { connections: 0, open: 0, maxOpen: 0 };
  const clients = new Set<ssh2.Connection>();
  const children = new Set<ReturnType<typeof spawn>>();
  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    stats.connections++;
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || !ctx.key.data.equals(clientPub.getPublicSSH())) return ctx.reject();
      if (ctx.signature && ctx.blob && clientPub.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject();
      if (b.authDelayMs) setTimeout(() => ctx.accept(), b.authDelayMs);
      else ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (accept, reject) => {
        if (b.refuseSessions) return reject();
        const session = accept();
        session.on('exec', (acceptExec, _r, info) => {
          const ch = acceptExec();
          stats.open++;
          stats.maxOpen = Math.max(stats.maxOpen, stats.open);
          if (b.dropOn && info.command.includes(b.dropOn)) {
            ch.write('partial\n');
            setTimeout(() => client.end(), 50);
            return;
          }
          const p = spawn('sh', ['-c', info.command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
          children.add(p);
          p.on('exit', () => children.delete(p));
          ch.pipe(p.stdin);
          p.stdout.pipe(ch, { end: false });
          p.stderr.pipe(ch.stderr, { end: false });
          // Like sshd: the whole command goes, not only its shell.
          const killAll = () => {
            try {
              process.kill(-p.pid!, 'SIGKILL');
            } catch {
              // already gone
            }
          };
          ch.on('signal', killAll);
          ch.on('close', killAll);
          p.on('close', (code, signal) => {
            stats.open--;
            if (signal) ch.exit(signal.replace(/^SIG/, ''), false, '');
            else ch.exit(code ?? 1);
            ch.end();
          });
        });
      });
    });
  });
  return new Promise<{ port: number; stats: typeof stats; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as AddressInfo).port, stats, close: () =>
          new Promise((r) => {
            for (const c of clients) c.end();
            for (const p of children) p.kill('SIGKILL');
            server.close(() => r());
          }),
      }),
    ),
  );
}

const hostKey = utils.generateKeyPairSync('ed25519');
const knownLine = (port: number, pub = hostKey.public) => `[127.0.0.1]:${port} ${pub.split(' ').slice(0, 2).join(' ')}\n`;
let pools: SshPool[] = [];
const pool = (o = {}) => {
  const p = new SshPool({ backoffMs: [0, 50], ...o });
  pools.push(p);
  return p;
};

async function endpoint(port: number, known = knownLine(port)): Promise<SshEndpoint> {
  await writeFile(join(dir, 'id'), clientKey.private, { mode: 0o600 });
  await writeFile(join(dir, 'known_hosts'), known);
  return { host: '127.0.0.1', port, user: 'capsule', identityFile: join(dir, 'id'), knownHosts: join(dir, 'known_hosts'), connectTimeoutMs: 2000 };
}

beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-ssh-'))));
afterEach(async () => {
  await Promise.all(pools.map((p) => p.close()));
  pools = [];
  await rm(dir, { recursive: true, force: true });
});

test('commands run with their argv intact, stdin, exit code; one connection serves them all', async () => {
  const srv = await startServer(hostKey.private);
  try {
    const exec = sshExec(pool(), await endpoint(srv.port));
    expect(await exec(['printf', '%s|', "it's", 'a b', '$HOME'])).toEqual({ code: 0, stdout: "it's|a b|$HOME|", stderr: '' });
    expect(await exec(['sh', '-c', 'cat; echo err >&2; exit 3'], { input: 'in' })).toEqual({ code: 3, stdout: 'in', stderr: 'err\n' });
    expect((await exec(['sh', '-c', 'echo "$GREETING"'], { env: { GREETING: 'hi there' } })).stdout).toBe('hi there\n');
    expect(srv.stats.connections).toBe(1);
  } finally {
    await srv.close();
  }
});

test('at most 10 channels at once on a connection; the rest wait their turn', async () => {
  const srv = await startServer(hostKey.private);
  try {
    const exec = sshExec(pool(), await endpoint(srv.port));
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => exec(['sh', '-c', `sleep 0.1; echo ${i}`])));
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 25 }, (_, i) => `${i}\n`));
    expect(srv.stats.maxOpen).toBeLessThanOrEqual(10);
    expect(srv.stats.connections).toBe(1);
  } finally {
    await srv.close();
  }
});

test('an unknown host key is refused with its fingerprint and what to do', async () => {
  const srv = await startServer(hostKey.private);
  try {
    const exec = sshExec(pool(), await endpoint(srv.port, ''));
    await expect(exec(['true'])).rejects.toMatchObject({ code: 'HostKeyUnknown', message: expect.stringMatching(/\[127\.0\.0\.1\]:\d+ is not in .*known_hosts: its ssh-ed25519 host key is SHA256:\S+; refused/), hint: expect.stringContaining('ssh-keyscan') });
  } finally {
    await srv.close();
  }
});

test('a changed host key is refused, naming the known_hosts line', async () => {
  const other = utils.generateKeyPairSync('ed25519');
  const srv = await startServer(other.private);
  try {
    const exec = sshExec(pool(), await endpoint(srv.port));
    await expect(exec(['true'])).rejects.toMatchObject({ code: 'HostKeyChanged', message: expect.stringContaining('than line 1 of'), hint: expect.stringContaining('ssh-keygen -R') });
  } finally {
    await srv.close();
  }
});

test('a drop mid-command is a named error, and the next command reconnects', async () => {
  const srv = await startServer(hostKey.private, { dropOn: 'DROPME' });
  try {
    const exec = sshExec(pool(), await endpoint(srv.port));
    await expect(exec(['echo', 'DROPME'])).rejects.toMatchObject({ code: 'SshDisconnected' });
    expect((await exec(['echo', 'again'])).stdout).toBe('again\n');
    expect(srv.stats.connections).toBe(2);
  } finally {
    await srv.close();
  }
});

test('a refused channel is a named error', async () => {
  const srv = await startServer(hostKey.private, { refuseSessions: true });
  try {
    await expect(sshExec(pool(), await endpoint(srv.port))(['true'])).rejects.toMatchObject({ code: 'SshChannelRefused' });
  } finally {
    await srv.close();
  }
});

test('a server that never answers fails within the connect timeout, never hangs', async () => {
  const sockets: Socket[] = [];
  const silent: NetServer = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const port = (silent.address() as AddressInfo).port;
  try {
    const t0 = Date.now();
    await expect(sshExec(pool({ backoffMs: [0] }), await endpoint(port))(['true'])).rejects.toMatchObject({ code: 'SshUnreachable' });
    expect(Date.now() - t0).toBeLessThan(6000);
  } finally {
    sockets.forEach((s) => s.destroy());
    silent.close();
  }
});

test('a timeout closes the channel and returns at the timeout', async () => {
  const srv = await startServer(hostKey.private);
  try {
    const exec = sshExec(pool(), await endpoint(srv.port));
    const t0 = Date.now();
    await expect(exec(['sleep', '30'], { timeoutMs: 300 })).rejects.toMatchObject({ code: 'ExecTimeout' });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect((await exec(['echo', 'still usable'])).stdout).toBe('still usable\n');
  } finally {
    await srv.close();
  }
});

test('output past the cap is a named error', async () => {
  const srv = await startServer(hostKey.private);
  try {
    await expect(sshExec(pool(), await endpoint(srv.port))(['yes'], { maxOutputBytes: 64 * 1024, timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'OutputTooLarge' });
  } finally {
    await srv.close();
  }
});

test('a key the server does not accept is SshAuthFailed, a broken key file SshKeyInvalid; neither is retried', async () => {
  const srv = await startServer(hostKey.private);
  try {
    const e = await endpoint(srv.port);
    await writeFile(e.identityFile, utils.generateKeyPairSync('rsa', { bits: 2048 }).private, { mode: 0o600 });
    await expect(sshExec(pool(), e)(['true'])).rejects.toMatchObject({ code: 'SshAuthFailed', hint: expect.stringContaining('authorized_keys') });
    expect(srv.stats.connections).toBe(1);
    await writeFile(e.identityFile, 'not a key\n');
    await expect(sshExec(pool(), e)(['true'])).rejects.toMatchObject({ code: 'SshKeyInvalid', message: expect.stringContaining(e.identityFile) });
    await expect(sshExec(pool(), { ...e, identityFile: join(dir, 'missing') })(['true'])).rejects.toMatchObject({ code: 'SshKeyInvalid', message: expect.stringContaining('ENOENT') });
    expect(srv.stats.connections).toBe(1);
  } finally {
    await srv.close();
  }
});

test.each(['644', '640', '604'])('an identity file of mode %s is refused as OpenSSH does, before connecting, and not retried', async (octal) => {
  const mode = parseInt(octal, 8);
  const srv = await startServer(hostKey.private);
  try {
    const e = await endpoint(srv.port);
    await chmod(e.identityFile, mode);
    await expect(sshExec(pool(), e)(['true'])).rejects.toMatchObject({
      code: 'SshKeyUnsafe',
      message: `the ssh key ${e.identityFile} is readable by others (mode ${octal}): it is not used`,
      hint: `chmod 600 ${e.identityFile}`,
    });
    expect(srv.stats.connections).toBe(0);
    await chmod(e.identityFile, 0o400);
    expect(await sshExec(pool(), e)(['true'])).toMatchObject({ code: 0 });
  } finally {
    await srv.close();
  }
});

test('a slow server is waited for within the connect timeout, and given up past it', async () => {
  const srv = await startServer(hostKey.private, { authDelayMs: 800 });
  try {
    const e = await endpoint(srv.port);
    expect((await sshExec(pool(), { ...e, connectTimeoutMs: 3000 })(['echo', 'slow'])).stdout).toBe('slow\n');
    const t0 = Date.now();
    await expect(sshExec(pool({ backoffMs: [0] }), { ...e, connectTimeoutMs: 300 })(['true'])).rejects.toMatchObject({ code: 'SshUnreachable' });
    expect(Date.now() - t0).toBeLessThan(2000);
  } finally {
    await srv.close();
  }
});
