import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driverSettings, peerAddress, peerEndpoint, readNodeConfig, sshDefaults } from './node-config.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-node-'));
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
});
afterEach(() => rm(root, { recursive: true, force: true }));

test('a missing node.conf is an empty config', async () => {
  expect(await readNodeConfig(root)).toEqual({});
});

test('[driver.TYPE] sections reach their driver as flat settings', async () => {
  await writeFile(join(root, 'etc/capsule/node.conf'), '[cluster]\nname = c1\n\n[driver.kvm]\nuri = qemu+ssh://hv2/system\n\n[driver.esx]\nurl = https://vc.example\n');
  const conf = await readNodeConfig(root);
  expect([conf['cluster'], driverSettings(conf, 'kvm', root).values, driverSettings(conf, 'lxc', root).values]).toEqual([{ name: 'c1' }, { uri: 'qemu+ssh://hv2/system' }, {}]);
});

test('[hb#1] and [arbitrator#1] keep their index; a # after a value is still a comment', async () => {
  await writeFile(join(root, 'etc/capsule/node.conf'), '[hb#1]\ntype = unicast # the default\naddr@hv1 = 198.51.100.1\n[arbitrator#2]\naddress = arb:1\n');
  expect(await readNodeConfig(root)).toEqual({ 'hb#1': { type: 'unicast', 'addr@hv1': '198.51.100.1' }, 'arbitrator#2': { address: 'arb:1' } });
});

test.each([
  [0o600, undefined],
  [0o640, 'SecretFileUnsafe'],
  [0o604, 'SecretFileUnsafe'],
])('a secret file of mode %o -> %s', async (mode, code) => {
  const secret = join(root, 'esx.secret');
  await writeFile(secret, 's3cret\n');
  await chmod(secret, mode);
  await writeFile(join(root, 'etc/capsule/node.conf'), `[driver.esx]\npassword_file = ${secret}\n`);
  const settings = driverSettings(await readNodeConfig(root), 'esx', root);
  if (code) await expect(settings.secret('password_file')).rejects.toMatchObject({ code, hint: expect.stringContaining('chmod 600') });
  else expect(await settings.secret('password_file')).toBe('s3cret');
});

test('a secret keyword that is not set names node.conf', async () => {
  await expect(driverSettings({}, 'esx', root).secret('password_file')).rejects.toMatchObject({ code: 'MissingKeyword', message: expect.stringContaining('node.conf') });
});

test.each([
  ['[ssh] addr@NODE first', { ssh: { 'addr@hv2': '10.0.0.2' }, 'hb#1': { 'addr@hv2': '198.51.100.2' } }, '10.0.0.2'],
  ['then the heartbeat address', { 'hb#1': { 'addr@hv2': '198.51.100.2' } }, '198.51.100.2'],
  ['else the node name', {}, 'hv2'],
])('peerAddress: %s', (_, conf, addr) => expect(peerAddress(conf, 'hv2')).toBe(addr));

test.each([
  ['root on port 22 by default', {}, { port: 22, user: 'root' }],
  ['[ssh] port and user for every peer', { port: '2222', user: 'capsule' }, { port: 2222, user: 'capsule' }],
  ['port@NODE and user@NODE for this peer', { port: '2222', user: 'capsule', 'port@hv2': '22022', 'user@hv2': 'admin' }, { port: 22022, user: 'admin' }],
  ["another peer's do not count", { 'port@hv3': '22022', 'user@hv3': 'admin' }, { port: 22, user: 'root' }],
])('peerEndpoint: %s', (_, ssh, expected) => {
  expect(peerEndpoint({ ssh: { 'addr@hv2': '198.51.100.2', ...ssh } }, 'hv2')).toEqual({ host: '198.51.100.2', ...expected });
});

test('peerEndpoint: a port that is no port is an error naming the keyword, not port 22', () => {
  expect(() => peerEndpoint({ ssh: { 'port@hv2': 'ssh' } }, 'hv2')).toThrow(expect.objectContaining({ code: 'NodeConfigInvalid', message: expect.stringContaining('[ssh] port@hv2') }));
});

test.each([
  ['/', '/etc/capsule/ssh/id_ed25519', '/etc/capsule/ssh/known_hosts'],
  ['/opt/capsule/', '/opt/capsule/etc/capsule/ssh/id_ed25519', '/opt/capsule/etc/capsule/ssh/known_hosts'],
])('sshDefaults under root %s: the key and known_hosts paths, no doubled slash', (root, identityFile, knownHosts) => {
  expect(sshDefaults({}, root)).toMatchObject({ identityFile, knownHosts });
});
