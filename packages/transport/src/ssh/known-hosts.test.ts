import { createHmac, randomBytes } from 'node:crypto';
import { checkHostKey, fingerprint, parseKnownHosts } from './known-hosts.js';
import { shellQuote } from './quote.js';
import { localExec } from '../local.js';

const keyA = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), randomBytes(32)]);
const keyB = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), randomBytes(32)]);
const b64 = (k: Buffer) => k.toString('base64');
const hashed = (name: string) => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

test.each<[string, string, string, number, string]>([
  ['a plain name', `hv2 ssh-ed25519 ${b64(keyA)}`, 'hv2', 22, 'match'],
  ['a name among others', `hv1,hv2,198.51.100.2 ssh-ed25519 ${b64(keyA)} root@hv2`, '198.51.100.2', 22, 'match'],
  ['a [host]:port entry', `[hv2]:2222 ssh-ed25519 ${b64(keyA)}`, 'hv2', 2222, 'match'],
  ['a [host]:port entry is not port 22', `[hv2]:2222 ssh-ed25519 ${b64(keyA)}`, 'hv2', 22, 'unknown'],
  ['a hashed entry', `${hashed('hv2')} ssh-ed25519 ${b64(keyA)}`, 'hv2', 22, 'match'],
  ['a hashed [host]:port entry', `${hashed('[198.51.100.2]:2222')} ssh-ed25519 ${b64(keyA)}`, '198.51.100.2', 2222, 'match'],
  ['a wildcard', `*.example ssh-ed25519 ${b64(keyA)}`, 'hv2.example', 22, 'match'],
  ['a negated pattern excludes', `*.example,!hv2.example ssh-ed25519 ${b64(keyA)}`, 'hv2.example', 22, 'unknown'],
  ['another key for the host', `hv2 ssh-ed25519 ${b64(keyB)}`, 'hv2', 22, 'changed'],
  ['a revoked key', `@revoked hv2 ssh-ed25519 ${b64(keyA)}\nhv2 ssh-ed25519 ${b64(keyA)}`, 'hv2', 22, 'revoked'],
  ['a cert-authority line is not a host key', `@cert-authority hv2 ssh-ed25519 ${b64(keyA)}`, 'hv2', 22, 'unknown'],
  ['comments and blank lines', `# hv2 ssh-ed25519 ${b64(keyA)}\n\n`, 'hv2', 22, 'unknown'],
])('known_hosts: %s -> %s', (_w, text, host, port, verdict) => {
  expect(checkHostKey(parseKnownHosts(text), host, port, 'ssh-ed25519', keyA).kind).toBe(verdict);
});

test('fingerprints are as ssh-keygen -lf prints them', () => {
  expect(fingerprint(keyA)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
});

test.each([[['echo', 'plain']], [['printf', '%s|', "it's", 'a b', '$HOME', '`id`', '"q"', '\\', '*', '']], [['sh', '-c', 'echo "$0"', 'x; rm -rf /']]])(
  'argv %j survives the remote shell word for word',
  async (argv) => {
    const r = await localExec(['sh', '-c', `printf '%s\\n' ${shellQuote(argv.slice(1) as string[])}`]);
    expect(r.stdout).toBe((argv.slice(1) as string[]).map((a) => `${a}\n`).join(''));
  },
);
