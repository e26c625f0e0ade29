// The ssh2 transport against a real OpenSSH sshd in a test network
// namespace: commands, copies, known_hosts as OpenSSH writes it, and a
// server that goes away and comes back.
import { SshPool, sshCopyFrom, sshCopyTo, sshExec } from '@capsule/transport/ssh';
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TestNetwork, startSshd, type TestHost, type TestSshd } from '../src/index.js';

const net = new TestNetwork();
let host: TestHost;
let sshd: TestSshd;
let addr: string;
const pools: SshPool[] = [];
const pool = () => {
  const p = new SshPool({ backoffMs: [0, 100] });
  pools.push(p);
  return p;
};

beforeAll(async () => {
  host = await net.host();
  addr = (await net.linkToHere(host, 'eth0')).there;
  sshd = await startSshd(host, addr);
}, 30_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await sshd?.dispose();
  await net.dispose();
});

test('commands keep their argv, stdin, env, cwd and exit status on a real sshd', async () => {
  const exec = sshExec(pool(), sshd.endpoint);
  expect(await exec(['printf', '%s|', "it's", 'a b', '$HOME', '`id`', '; true'])).toEqual({ code: 0, stdout: "it's|a b|$HOME|`id`|; true|", stderr: '' });
  expect(await exec(['sh', '-c', 'cat; echo oops >&2; exit 4'], { input: 'from stdin' })).toEqual({ code: 4, stdout: 'from stdin', stderr: 'oops\n' });
  expect((await exec(['sh', '-c', 'echo "$A|$(pwd)"'], { env: { A: 'x y' }, cwd: '/tmp' })).stdout).toBe('x y|/tmp\n');
  expect((await exec(['sh', '-c', 'kill -9 $$'])).code).toBe(137);
  // The command ran in the test host's namespace, not here.
  expect((await exec(['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])).stdout).toContain(`${addr}/30`);
});

test('a timeout kills the remote command, not only the channel', async () => {
  const exec = sshExec(pool(), sshd.endpoint);
  await expect(exec(['sleep', '31.5'], { timeoutMs: 300 })).rejects.toMatchObject({ code: 'ExecTimeout' });
  let left = '';
  for (let i = 0; i < 20; i++) {
    left = (await host.exec(['sh', '-c', 'pgrep -f "^sleep 31.5" || true'])).stdout.trim();
    if (!left) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(left).toBe('');
});

test('files copy both ways over sftp, whole, and a missing file is a named error', async () => {
  const p = pool();
  const dir = sshd.dir;
  const payload = `${'x'.repeat(500_000)}end\n`;
  await writeFile(join(dir, 'src'), payload);
  await sshCopyTo(p, sshd.endpoint, join(dir, 'src'), join(dir, 'copied'));
  expect(await readFile(join(dir, 'copied'), 'utf8')).toBe(payload);
  expect((await readdir(dir)).filter((f) => f.includes('capsule-tmp'))).toEqual([]);
  await sshCopyFrom(p, sshd.endpoint, join(dir, 'copied'), join(dir, 'back'));
  expect(await readFile(join(dir, 'back'), 'utf8')).toBe(payload);
  await expect(sshCopyFrom(p, sshd.endpoint, join(dir, 'nope'), join(dir, 'x'))).rejects.toMatchObject({ code: 'SshCopyFailed', message: expect.stringContaining('nope') });
  await expect(sshCopyTo(p, sshd.endpoint, join(dir, 'src'), '/no/such/dir/f')).rejects.toMatchObject({ code: 'SshCopyFailed' });
});

test('known_hosts as OpenSSH writes it: hashed entries match; an unknown key is refused with the fingerprint ssh-keygen shows', async () => {
  const hashed = join(sshd.dir, 'known_hosts_hashed');
  await writeFile(hashed, await readFile(sshd.endpoint.knownHosts, 'utf8'));
  execFileSync('ssh-keygen', ['-q', '-H', '-f', hashed], { stdio: 'ignore' });
  expect(await readFile(hashed, 'utf8')).toMatch(/^\|1\|/);
  expect((await sshExec(pool(), { ...sshd.endpoint, knownHosts: hashed })(['true'])).code).toBe(0);

  const empty = join(sshd.dir, 'known_hosts_empty');
  await writeFile(empty, '');
  const fp = execFileSync('ssh-keygen', ['-lf', join(sshd.dir, 'host_ed25519.pub')], { encoding: 'utf8' }).split(' ')[1]!;
  await expect(sshExec(pool(), { ...sshd.endpoint, knownHosts: empty })(['true'])).rejects.toMatchObject({ code: 'HostKeyUnknown', message: expect.stringContaining(fp) });
});

test('an RSA client key works too', async () => {
  const other = await startSshd(host, addr, { port: 2222, clientKey: 'rsa' });
  try {
    expect((await sshExec(pool(), other.endpoint)(['echo', 'rsa'])).stdout).toBe('rsa\n');
  } finally {
    await other.dispose();
  }
}, 30_000);

test('sshd going away is SshUnreachable at once; when it is back the pool reconnects', async () => {
  const p = pool();
  const exec = sshExec(p, sshd.endpoint);
  expect((await exec(['echo', 'before'])).stdout).toBe('before\n');
  await sshd.stop();
  // Stopping the listener leaves established sessions: drop ours as a server restart would.
  // Only this host's: pkill alone sees every process of the machine, other tests' sessions too.
  await host.exec(['sh', '-c', 'for p in $(ip netns pids "$1"); do grep -qs "^sshd: root" /proc/$p/cmdline && kill $p; done; true', 'sh', host.ns]);
  const t0 = Date.now();
  await expect(exec(['echo', 'during'])).rejects.toMatchObject({ code: expect.stringMatching(/^(SshUnreachable|SshDisconnected)$/) });
  await expect(exec(['echo', 'during'])).rejects.toMatchObject({ code: 'SshUnreachable' });
  expect(Date.now() - t0).toBeLessThan(5000);
  await sshd.restart();
  expect((await exec(['echo', 'after'])).stdout).toBe('after\n');
}, 30_000);
