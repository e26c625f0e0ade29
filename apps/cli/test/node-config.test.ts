// nodemgr get/set/unset/print config/validate config on node.conf, through the built CLI.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, NODE_CONF_LOCK } from '@capsule/config';
import { cli, cliEntry, type CliResult } from './cli.js';

const SECRET = 'do-not-show-0123456789abcdef';
const SEED = `# node.conf: the same on every node
[cluster]
name = prod
nodes = hv1 hv2
secret = ${SECRET}

[hb#1]
type = unicast
interval = 2s
timeout = 6s
addr@hv1 = 198.51.100.1
addr@hv2 = 198.51.100.2

[arbitrator#1]
address = 198.51.100.9:10001

; libvirt on this host
[driver.kvm]
uri = qemu:///system
`;

let root: string;
let conf: string;
const env = () => ({ CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1' });
const nodemgr = (...args: string[]) => cli('nodemgr', args, env());
const shown = (r: CliResult) => r.stdout + r.stderr;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-nodeconf-'));
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
  conf = join(root, 'etc/capsule/node.conf');
  await writeFile(conf, SEED, { mode: 0o600 });
});
afterEach(() => rm(root, { recursive: true, force: true }));

test('set, get and unset round trip; every other line stays byte-identical', async () => {
  expect(nodemgr('set', '--param', 'hb#1.timeout', '--value', '8s')).toMatchObject({ code: 0, stdout: '', stderr: '' });
  expect(await readFile(conf, 'utf8')).toBe(SEED.replace('timeout = 6s', 'timeout = 8s'));
  expect(nodemgr('get', '--param', 'hb#1.timeout')).toMatchObject({ code: 0, stdout: '8s\n' });
  expect(nodemgr('set', '--param', 'driver.kvm.migrate_uri', '--value', 'qemu+tls://%n/system')).toMatchObject({ code: 0, stderr: '' });
  expect(nodemgr('get', '--param', 'driver.kvm.migrate_uri', '--format', 'json')).toMatchObject({ code: 0, stdout: '"qemu+tls://%n/system"\n' });
  expect(nodemgr('unset', '--param', 'driver.kvm.migrate_uri').code).toBe(0);
  expect(nodemgr('set', '--param', 'hb#1.timeout', '--value', '6s').code).toBe(0);
  expect(await readFile(conf, 'utf8')).toBe(SEED);
  expect((await stat(conf)).mode & 0o777).toBe(0o600);
});

test.each([
  ['hb#1.port', '10000'],
  ['hb#2.interval', '1s'],
  ['hb#1.addr@hv3', 'hv3'],
  ['cluster.quorum', 'false'],
  ['ssh.connect_timeout', '10'],
  ['ssh.port', '22'],
  ['ssh.user@hv2', 'root'],
])('get of %s, not set, prints its default %s', (param, value) => {
  expect(nodemgr('get', '--param', param)).toMatchObject({ code: 0, stdout: `${value}\n`, stderr: '' });
  expect(nodemgr('get', '--param', param, '--format', 'json')).toMatchObject({ code: 0, stdout: `${JSON.stringify(value)}\n` });
});

test('get of an ssh path not set prints the one under CAPSULE_ROOT', () => {
  expect(nodemgr('get', '--param', 'ssh.identity_file')).toMatchObject({ code: 0, stdout: `${root}/etc/capsule/ssh/id_ed25519\n` });
});

test.each(['cluster.id', 'driver.kvm.migrate_uri'])('%s, not set and without default, is a KeywordNotSet naming it', (param) => {
  const r = cli('nodemgr', ['get', '--param', param, '--format', 'json'], env());
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: 'KeywordNotSet', message: `${param} is not set in ${conf}` } });
});

test('unset --section removes a whole section, checked as unset is; every other line stays', async () => {
  const r = nodemgr('unset', '--section', 'arbitrator#1');
  expect(r).toMatchObject({ code: 0, stdout: '' });
  expect(r.stderr).toMatch(/^\S+node\.conf:4: cluster\.nodes: warning: a 2-node cluster without arbitrator cannot fail over/);
  expect(await readFile(conf, 'utf8')).toBe(SEED.replace('[arbitrator#1]\naddress = 198.51.100.9:10001\n\n', ''));
  expect(nodemgr('unset', '--section', 'driver.kvm')).toMatchObject({ code: 0, stdout: '' });
  expect(await readFile(conf, 'utf8')).toBe(SEED.replace('[arbitrator#1]\naddress = 198.51.100.9:10001\n\n', '').replace('[driver.kvm]\nuri = qemu:///system\n', ''));
  expect(nodemgr('unset', '--section', 'cluster', '--param', 'cluster.nodes')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: unset takes --param or --section, not both/) });
});

test('the ssh port and user of peers are settable, for all and per node', async () => {
  expect(nodemgr('set', '--param', 'ssh.port', '--value', '2222')).toMatchObject({ code: 0, stderr: '' });
  expect(nodemgr('set', '--param', 'ssh.user@hv2', '--value', 'capsule')).toMatchObject({ code: 0, stderr: '' });
  expect(nodemgr('set', '--param', 'ssh.port@hv2', '--value', '0')).toMatchObject({ code: 1, stderr: expect.stringContaining('ssh.port@hv2: a port is a number from 1 to 65535') });
  expect(await readFile(conf, 'utf8')).toBe(`${SEED}\n[ssh]\nport = 2222\nuser@hv2 = capsule\n`);
  expect(nodemgr('validate', 'config')).toMatchObject({ code: 0 });
});

// [param, value (undefined: unset), code, the one message naming file:line section.keyword, its hint].
const REFUSED: Array<[string, string | undefined, string, RegExp, RegExp]> = [
  ['hb#1.timeout', '1s', 'ClusterConfigInvalid', /node\.conf:10: hb#1\.timeout: must be longer than interval/, /three intervals/],
  ['hb#1.interval', '10s', 'ClusterConfigInvalid', /node\.conf:10: hb#1\.timeout: must be longer than interval \(timeout 6000 ms, interval 10000 ms\)/, /three intervals/],
  ['hb#1.port', '70000', 'ClusterConfigInvalid', /node\.conf:\d+: hb#1\.port: a port is a number from 1 to 65535/, /UDP port/],
  ['hb#1.type', 'broadcast', 'ClusterConfigInvalid', /node\.conf:8: hb#1\.type: .*"unicast"\|"multicast"/, /unicast or multicast/],
  ['cluster.nodes', '', 'ClusterConfigInvalid', /node\.conf:4: cluster\.nodes: no nodes/, /nodes = hv1 hv2 hv3/],
  ['cluster.nodes', undefined, 'ClusterConfigInvalid', /node\.conf:2: cluster\.nodes: missing required keyword nodes/, /nodes = hv1 hv2 hv3/],
  ['arbitrator#1.address', '198.51.100.9', 'ClusterConfigInvalid', /node\.conf:\d+: arbitrator#1\.address: expected HOST:PORT/, /address = 198\.51\.100\.9:10001/],
  ['cluster.quorum', 'perhaps', 'ClusterConfigInvalid', /node\.conf:\d+: cluster\.quorum: expected a boolean/, /loses quorum/],
  ['cluster.secret', 'short', 'ClusterConfigInvalid', /node\.conf:5: cluster\.secret: shorter than 16 characters/, /secret_file/],
  ['cluster.secret_file', 'cluster.secret', 'ClusterConfigInvalid', /node\.conf:\d+: cluster\.secret_file: expected an absolute path/, /root-only file/],
  ['stonith#hv1.cmd', '/bin/fence hv1', 'ClusterConfigInvalid', /node\.conf:\d+: stonith#hv1: hv1 is this node: a node never fences itself/, /its peers' node\.conf say how to fence hv1/],
  ['stonith#hv9.cmd', '/bin/fence hv9', 'ClusterConfigInvalid', /node\.conf:\d+: stonith#hv9: hv9 is not one of the cluster nodes \(hv1 hv2\)/, /rename the section/],
  ['stonith#hv2.cmd', '/bin/fence "hv2', 'ClusterConfigInvalid', /node\.conf:\d+: stonith#hv2\.cmd: a double quote is not closed/, /no shell/],
  ['ssh.connect_timeout', 'soon', 'NodeConfigInvalid', /node\.conf:\d+: ssh\.connect_timeout: expected a number of seconds above 0/, /ssh connection/],
];
test.each(REFUSED.map(([param, value, ...rest]) => [value === undefined ? `unset ${param}` : `set ${param} = "${value}"`, param, value, ...rest] as const))('%s is refused and the file stays as it was', async (_, param, value, code, message, hint) => {
  const r = cli('nodemgr', [value === undefined ? 'unset' : 'set', '--param', param, ...(value === undefined ? [] : ['--value', value]), '--format', 'json'], env());
  expect(r.code).toBe(1);
  const { error } = JSON.parse(r.stderr) as { error: { code: string; message: string; hint: string } };
  expect(error).toMatchObject({ code, message: expect.stringMatching(/^the change was not written:\n/), hint: expect.stringMatching(hint) });
  expect(error.message).toMatch(message);
  expect(error.message).toContain(conf);
  expect(await readFile(conf, 'utf8')).toBe(SEED);
  expect(shown(r)).not.toContain(SECRET);
});

test('[stonith#NODE] cmd: set, get and validate; om3\'s command read too; unset leaves a warning, not an error', async () => {
  const cmd = `/usr/sbin/fence_ipmilan --ip 192.0.2.12 --password-script '/root/bmc pass' --action off`;
  expect(nodemgr('set', '--param', 'stonith#hv2.cmd', '--value', cmd)).toMatchObject({ code: 0, stderr: '' });
  expect(await readFile(conf, 'utf8')).toBe(`${SEED}\n[stonith#hv2]\ncmd = ${cmd}\n`);
  expect(nodemgr('get', '--param', 'stonith#hv2.cmd')).toMatchObject({ code: 0, stdout: `${cmd}\n` });
  expect(nodemgr('validate', 'config')).toMatchObject({ code: 0, stdout: `${conf}: valid\n` });
  expect(nodemgr('set', '--param', 'stonith#hv2.command', '--value', '/bin/true').stderr).toMatch(/stonith#hv2\.command: cmd and command are both set/);
  expect(nodemgr('unset', '--param', 'stonith#hv2.cmd')).toMatchObject({ code: 0, stderr: expect.stringMatching(/stonith#hv2\.cmd: warning: no fence command, section ignored/) });
  expect(nodemgr('set', '--param', 'stonith#hv2.command', '--value', '/bin/true')).toMatchObject({ code: 0, stderr: '' });
});

test('a secret_file others can read is refused as SecretFileUnsafe; its content is never shown', async () => {
  const file = join(root, 'cluster.secret');
  await writeFile(file, 'a-file-secret-0123456789abcdef\n');
  await chmod(file, 0o644);
  const r = nodemgr('set', '--param', 'cluster.secret_file', '--value', file);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/cluster\.secret_file: .*cluster\.secret is readable or writable by others \(mode 644\)\n  hint: chown root:root \S+ && chmod 600 /);
  expect(shown(r)).not.toContain('a-file-secret');
  expect(await readFile(conf, 'utf8')).toBe(SEED);
  await chmod(file, 0o600);
  // With secret_file set, secret is ignored: said, not refused.
  expect(nodemgr('set', '--param', 'cluster.secret_file', '--value', file)).toMatchObject({ code: 0, stderr: expect.stringMatching(/cluster\.secret: warning: secret is ignored: secret_file is set\n  hint: unset cluster\.secret/) });
});

test('an unknown keyword or section is a warning: written, exit 0; validate config exits 2', async () => {
  const r = nodemgr('set', '--param', 'hb#1.timout', '--value', '5s');
  expect(r).toMatchObject({ code: 0, stderr: `${conf}:13: hb#1.timout: warning: unknown keyword "timout", ignored\n  hint: did you mean "timeout"?\n` });
  expect(nodemgr('set', '--param', 'clustr.name', '--value', 'x').stderr).toMatch(/clustr: warning: unknown section \[clustr\], ignored\n  hint: did you mean \[cluster\]\?/);
  const v = nodemgr('validate', 'config');
  expect(v.code).toBe(2);
  expect(v.stderr).toContain('hb#1.timout: warning');
  await writeFile(conf, SEED);
  expect(nodemgr('validate', 'config')).toMatchObject({ code: 0, stdout: `${conf}: valid\n` });
});

test('the secret is never printed: not by get, print config, or validate', async () => {
  const get = cli('nodemgr', ['get', '--param', 'cluster.secret', '--format', 'json'], env());
  expect(get.code).toBe(1);
  expect(JSON.parse(get.stderr)).toMatchObject({ error: { code: 'SecretHidden', hint: expect.stringContaining('secret_file') } });
  const text = nodemgr('print', 'config');
  expect(text).toMatchObject({ code: 0, stdout: SEED.replace(SECRET, '(hidden)') });
  const json = cli('nodemgr', ['print', 'config', '--format', 'json'], env());
  expect(JSON.parse(json.stdout)).toMatchObject({ cluster: { secret: '(hidden)', nodes: 'hv1 hv2' }, 'hb#1': { timeout: '6s' }, 'driver.kvm': { uri: 'qemu:///system' } });
  await writeFile(conf, SEED.replace('name = prod', 'name = prod\n  secret = indented-but-read-0123456789'));
  for (const r of [get, text, json, nodemgr('print', 'config'), nodemgr('validate', 'config'), nodemgr('get', '--param', 'cluster.secret')]) {
    expect(shown(r)).not.toContain(SECRET);
    expect(shown(r)).not.toContain('indented-but-read');
  }
});

test('a secret set on the command line is written, with a warning', async () => {
  const r = nodemgr('set', '--param', 'cluster.secret', '--value', 'another-long-secret-0123456789');
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/cluster\.secret: warning: a secret on the command line is seen by every user/);
  expect(await readFile(conf, 'utf8')).toBe(SEED.replace(SECRET, 'another-long-secret-0123456789'));
});

test('a standalone node: no node.conf yet, no [cluster]; created mode 0600', async () => {
  await rm(conf);
  expect(nodemgr('print', 'config')).toMatchObject({ code: 0, stdout: '', stderr: `${conf} does not exist: this node has the defaults\n` });
  expect(nodemgr('set', '--param', 'ssh.connect_timeout', '--value', '5')).toMatchObject({ code: 0, stderr: '' });
  expect(nodemgr('set', '--param', 'driver.kvm.uri', '--value', 'qemu:///system')).toMatchObject({ code: 0, stderr: '' });
  expect(await readFile(conf, 'utf8')).toBe('[ssh]\nconnect_timeout = 5\n\n[driver.kvm]\nuri = qemu:///system\n');
  expect((await stat(conf)).mode & 0o777).toBe(0o600);
  expect(nodemgr('validate', 'config').code).toBe(0);
});

test('a cluster is configured one keyword at a time: what is still missing is a warning', async () => {
  await rm(conf);
  const first = nodemgr('set', '--param', 'cluster.nodes', '--value', 'hv1 hv2');
  expect(first.code).toBe(0);
  expect(first.stderr).toMatch(/cluster\.secret: warning: no secret/);
  expect(nodemgr('set', '--param', 'cluster.secret', '--value', SECRET).code).toBe(0);
  expect(nodemgr('set', '--param', 'hb#1.addr@hv1', '--value', '198.51.100.1').code).toBe(0);
  // Two nodes and no arbitrator: neither half can take over from the other.
  expect(nodemgr('validate', 'config')).toMatchObject({
    code: 2,
    stderr: `${conf}:2: cluster.nodes: warning: a 2-node cluster without arbitrator cannot fail over when a node is lost: half the nodes never has quorum\n  hint: add an [arbitrator#1] with address = HOST:PORT on a host every node reaches (\`nodemgr arbitrator run\` there), or an odd number of nodes\n`,
  });
  expect(nodemgr('set', '--param', 'arbitrator#1.address', '--value', '198.51.100.9:10001')).toMatchObject({ code: 0, stderr: '' });
  expect(nodemgr('validate', 'config')).toMatchObject({ code: 0, stderr: '' });
});

test('set and unset take --force; without a daemon running there is nothing to check', async () => {
  expect(nodemgr('set', '--param', 'cluster.quorum', '--value', 'true')).toMatchObject({ code: 0, stderr: '' });
  expect(nodemgr('set', '--param', 'cluster.nodes', '--value', 'hv1 hv2 hv3 hv4', '--force')).toMatchObject({ code: 0, stderr: '' });
  expect(nodemgr('unset', '--param', 'arbitrator#1.address', '--force')).toMatchObject({ code: 1, stderr: expect.stringContaining('missing required keyword address') });
  expect(await readFile(conf, 'utf8')).toBe(SEED.replace('nodes = hv1 hv2', 'nodes = hv1 hv2 hv3 hv4').replace(`secret = ${SECRET}\n`, `secret = ${SECRET}\nquorum = true\n`));
});

/** The built nodemgr, not waited for: several run at once. */
function nodemgrAsync(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliEntry('nodemgr'), ...args], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env() }, stdio: 'ignore' });
    child.on('close', (code) => resolve(code ?? -1));
  });
}

test('a set waits for the writer holding the lock; concurrent sets are all kept', async () => {
  const release = await acquireLock(join(root, 'var/lib/capsule'), { name: NODE_CONF_LOCK, action: 'test', svcname: 'node.conf', waitSeconds: 1 });
  const keys = ['a', 'b', 'c', 'd'];
  const sets = Promise.all(keys.map((k) => nodemgrAsync(['set', '--param', `driver.kvm.${k}`, '--value', k])));
  await new Promise((r) => setTimeout(r, 1500));
  expect(await readFile(conf, 'utf8')).toBe(SEED);
  await release();
  expect(await sets).toEqual([0, 0, 0, 0]);
  const text = await readFile(conf, 'utf8');
  for (const k of keys) expect(text).toContain(`\n${k} = ${k}\n`);
  expect(text.startsWith(SEED)).toBe(true);
});

test('a secret_file owned by another user than root is refused, even mode 0600', async () => {
  const file = join(root, 'cluster.secret');
  await writeFile(file, 'a-file-secret-0123456789abcdef\n', { mode: 0o600 });
  await chown(file, 65534, 65534);
  const r = nodemgr('set', '--param', 'cluster.secret_file', '--value', file);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`cluster.secret_file: ${file} belongs to uid 65534, not root: its owner can read and change the cluster secret\n`);
  expect(await readFile(conf, 'utf8')).toBe(SEED);
});

test('a node.conf holding the secret that others can read: validate and daemon start refuse it; set makes it root-only and says so', async () => {
  await chmod(conf, 0o644);
  const hint = `  hint: chmod 600 ${conf}, or move the secret to a root-only secret_file\n`;
  const v = nodemgr('validate', 'config');
  expect(v.code).toBe(1);
  expect(v.stderr).toContain(`${conf}:5: cluster.secret: ${conf} holds the cluster secret and is readable by others (mode 644)\n${hint}`);
  const d = nodemgr('daemon', 'start');
  expect(d).toMatchObject({ code: 1, stderr: `error: ${conf}: [cluster] secret: ${conf} holds the cluster secret and is readable by others (mode 644)\n${hint}` });
  expect(existsSync(join(root, 'var/run/capsule/agent.pid'))).toBe(false);
  const set = nodemgr('set', '--param', 'cluster.secret', '--value', 'another-long-secret-0123456789');
  expect(set.code).toBe(0);
  expect(set.stderr).toContain(`${conf}: mode 644 changed to 600: it holds a secret, which only root may read\n`);
  expect((await stat(conf)).mode & 0o777).toBe(0o600);
  expect(nodemgr('validate', 'config').code).toBe(0);
});

test('an API driver: plain http is refused by set and validate; insecure = true is a warning (exit 2)', async () => {
  const http = nodemgr('set', '--param', 'driver.esx.url', '--value', 'http://vcenter.example');
  expect(http.code).toBe(1);
  expect(http.stderr).toContain("driver.esx.url: http://vcenter.example is plain http: the driver's credentials would cross the network in clear");
  expect(await readFile(conf, 'utf8')).toBe(SEED);
  await writeFile(conf, `${SEED}\n[driver.esx]\nurl = http://vcenter.example\n`);
  expect(nodemgr('validate', 'config')).toMatchObject({ code: 1, stderr: expect.stringContaining('driver.esx.url: http://vcenter.example is plain http') });
  await writeFile(conf, `${SEED}\n[driver.esx]\nurl = https://vcenter.example\ninsecure = true\n`);
  expect(nodemgr('validate', 'config')).toMatchObject({
    code: 2,
    stderr: `${conf}:23: driver.esx.insecure: warning: TLS verification is off: anyone between this node and the endpoint can pose as it and take its credentials\n  hint: give the endpoint's CA in ca_file and unset driver.esx.insecure\n`,
  });
});
