import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNodeConfig, type NodeConfig } from './node-config.js';
import { editNodeConfig, validateNodeConfig, type NodeCheck } from './node-store.js';

const SEED = `# node.conf of hv1
[cluster]
name = prod
nodes = hv1 hv2
secret_file = /etc/capsule/cluster.secret

[hb#1]
type = unicast   # the default
interval = 1s
timeout = 3s
addr@hv1 = 198.51.100.1

; kvm over ssh
[driver.kvm]
uri = qemu+ssh://hv2/system
`;

let root: string;
let file: string;
const none: NodeCheck = async () => [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-nodeconf-'));
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
  file = join(root, 'etc/capsule/node.conf');
  await writeFile(file, SEED, { mode: 0o600 });
});
afterEach(() => rm(root, { recursive: true, force: true }));

// [section, key as typed, value, the file after the edit]; undoing the edit gives SEED back, byte for byte.
test.each<[string, string, string, string]>([
  ['hb#1', 'timeout', '5s', SEED.replace('timeout = 3s', 'timeout = 5s')],
  ['hb#1', 'addr@HV2', '198.51.100.2', SEED.replace('addr@hv1 = 198.51.100.1\n', 'addr@hv1 = 198.51.100.1\naddr@hv2 = 198.51.100.2\n')],
  ['driver.kvm', 'migrate_uri', 'qemu+tls://%n/system', `${SEED}migrate_uri = qemu+tls://%n/system\n`],
  ['arbitrator#1', 'address', '198.51.100.9:10001', `${SEED}\n[arbitrator#1]\naddress = 198.51.100.9:10001\n`],
  // What ini would take for a comment or a quoted string is written so that it reads back as given.
  ['driver.kvm', 'opts', 'a#b;c', `${SEED}opts = a\\#b\\;c\n`],
  ['driver.kvm', 'query', 'x=1', `${SEED}query = "x=1"\n`],
])('set %s.%s = %s keeps every other line and reads back', async (section, key, value, expected) => {
  const k = key.toLowerCase();
  const old = parseNodeConfig(SEED, file)[section]?.[k];
  expect(await editNodeConfig(root, { section, key, value }, none)).toEqual({ changed: true, warnings: [] });
  expect(await readFile(file, 'utf8')).toBe(expected);
  expect(parseNodeConfig(expected, file)[section]?.[k]).toBe(value);
  await editNodeConfig(root, { section, key: k, ...(old !== undefined ? { value: old } : {}) }, none);
  expect(await readFile(file, 'utf8')).toBe(old === undefined && !SEED.includes(`[${section}]`) ? `${SEED}\n[${section}]\n` : SEED);
});

test('unset removes the one line, comment and all', async () => {
  await editNodeConfig(root, { section: 'hb#1', key: 'type' }, none);
  expect(await readFile(file, 'utf8')).toBe(SEED.replace('type = unicast   # the default\n', ''));
});

test.each<[string, string]>([
  ['hb#1', SEED.replace('[hb#1]\ntype = unicast   # the default\ninterval = 1s\ntimeout = 3s\naddr@hv1 = 198.51.100.1\n\n', '')],
  // The comment above a section may be about anything: it stays.
  ['driver.kvm', SEED.replace('[driver.kvm]\nuri = qemu+ssh://hv2/system\n', '')],
])('unset of the whole section %s removes its header and keywords, nothing else', async (section, expected) => {
  expect(await editNodeConfig(root, { section }, none)).toEqual({ changed: true, warnings: [] });
  expect(await readFile(file, 'utf8')).toBe(expected);
  expect(parseNodeConfig(expected, file)[section]).toBeUndefined();
});

test('unset of a whole section is checked as any edit: the check sees the file without it, an error refuses it', async () => {
  const seen: NodeConfig[] = [];
  const check: NodeCheck = async (after) => {
    seen.push(after);
    return after['hb#1'] ? [] : [{ section: 'hb#1', severity: 'error', message: 'no heartbeat is configured', hint: 'add [hb#1]' }];
  };
  await expect(editNodeConfig(root, { section: 'hb#1' }, check)).rejects.toMatchObject({ message: expect.stringMatching(/node\.conf:1: hb#1: no heartbeat is configured/) });
  expect(seen.map((c) => Object.keys(c))).toEqual([['cluster', 'driver.kvm']]);
  expect(await readFile(file, 'utf8')).toBe(SEED);
  expect(await editNodeConfig(root, { section: 'hb#9' }, check)).toEqual({ changed: false, warnings: [] });
});

test('a value without a keyword is a usage error', async () => {
  await expect(editNodeConfig(root, { section: 'hb#1', value: 'x' }, none)).rejects.toMatchObject({ code: 'UsageError' });
});

test.each<[string, number, string, number, boolean]>([
  ['a secret into a file others can read: made root-only', 0o644, 'secret', 0o600, true],
  ['a secret into a group-readable file: made root-only', 0o640, 'secret', 0o600, true],
  ['a secret into a root-only file: kept', 0o600, 'secret', 0o600, false],
  ['no secret: the mode is kept', 0o644, 'name', 0o644, false],
])('%s', async (_, before, key, after, fixed) => {
  await chmod(file, before);
  const holdsSecret = (c: NodeConfig) => c['cluster']?.['secret'] !== undefined;
  const r = await editNodeConfig(root, { section: 'cluster', key, value: 'a-long-cluster-secret-0123' }, none, { holdsSecret });
  expect(r.modeFixed).toEqual(fixed ? { from: before, to: after } : undefined);
  expect((await stat(file)).mode & 0o777).toBe(after);
});

test('CRLF line endings are kept', async () => {
  await writeFile(file, SEED.replaceAll('\n', '\r\n'));
  await editNodeConfig(root, { section: 'hb#1', key: 'timeout', value: '5s' }, none);
  expect(await readFile(file, 'utf8')).toBe(SEED.replace('timeout = 3s', 'timeout = 5s').replaceAll('\n', '\r\n'));
});

test('nothing to unset changes nothing, and creates no file', async () => {
  expect(await editNodeConfig(root, { section: 'hb#1', key: 'port' }, none)).toEqual({ changed: false, warnings: [] });
  await rm(file);
  expect(await editNodeConfig(root, { section: 'hb#1', key: 'port' }, none)).toEqual({ changed: false, warnings: [] });
  await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
});

test('the check gets the file as the node would read it after the edit and before', async () => {
  const seen: NodeConfig[] = [];
  await editNodeConfig(root, { section: 'hb#1', key: 'timeout', value: '5s' }, async (after, before) => (seen.push(after, before!), []));
  expect(seen.map((c) => c['hb#1']?.['timeout'])).toEqual(['5s', '3s']);
  expect(seen[0]!['hb#1']?.['type']).toBe('unicast');
});

test('an error of the check refuses the edit: one message naming file, line, section.keyword, with the hint', async () => {
  const check: NodeCheck = async () => [{ section: 'hb#1', keyword: 'timeout', severity: 'error', message: 'must be longer than interval', hint: 'three intervals is usual', code: 'ClusterConfigInvalid' }];
  await expect(editNodeConfig(root, { section: 'hb#1', key: 'timeout', value: '1s' }, check)).rejects.toMatchObject({
    code: 'ClusterConfigInvalid',
    message: `the change was not written:\n${file}:10: hb#1.timeout: must be longer than interval`,
    hint: 'three intervals is usual',
  });
  expect(await readFile(file, 'utf8')).toBe(SEED);
});

test('several errors are listed, each hint said once', async () => {
  const check: NodeCheck = async () => [
    { section: 'hb#1', keyword: 'timeout', severity: 'error', message: 'a', hint: 'same' },
    { section: 'hb#1', keyword: 'interval', severity: 'error', message: 'b', hint: 'same' },
  ];
  await expect(editNodeConfig(root, { section: 'hb#1', key: 'timeout', value: '1s' }, check)).rejects.toMatchObject({
    code: 'NodeConfigInvalid',
    message: `the change was not written:\n${file}:10: hb#1.timeout: a\n${file}:9: hb#1.interval: b`,
    hint: 'same',
  });
});

test('warnings do not stop the edit and carry the line of the written file', async () => {
  const check: NodeCheck = async () => [{ section: 'hb#1', keyword: 'timout', severity: 'warning', message: 'unknown keyword "timout", ignored' }];
  const r = await editNodeConfig(root, { section: 'hb#1', key: 'timout', value: '5s' }, check);
  expect(r.warnings).toEqual([{ file, line: 12, section: 'hb#1', keyword: 'timout', severity: 'warning', message: 'unknown keyword "timout", ignored' }]);
  expect(await readFile(file, 'utf8')).toContain('addr@hv1 = 198.51.100.1\ntimout = 5s\n');
});

test('validateNodeConfig locates every problem of the file as it is', async () => {
  const check: NodeCheck = async (conf, before) => [
    { section: 'hb#1', keyword: 'timeout', severity: 'error', message: `timeout ${conf['hb#1']?.['timeout']}, before: ${String(before)}` },
    { section: 'arbitrator#1', severity: 'warning', message: 'not there' },
  ];
  expect(await validateNodeConfig(root, check)).toEqual([
    { file, line: 10, section: 'hb#1', keyword: 'timeout', severity: 'error', message: 'timeout 3s, before: undefined' },
    { file, line: 1, section: 'arbitrator#1', severity: 'warning', message: 'not there' },
  ]);
});

test('where the line-aware writer and the node reader disagree, the edit is refused, not guessed', async () => {
  // ini reads the indented line as a keyword of its own; the service-file reader as a continuation of nodes.
  const text = '[cluster]\nnodes = hv1\n  name = prod\n';
  await writeFile(file, text);
  await expect(editNodeConfig(root, { section: 'cluster', key: 'nodes', value: 'hv1 hv2' }, none)).rejects.toMatchObject({
    code: 'NodeConfigInvalid',
    message: expect.stringMatching(/node\.conf:2: cluster\.nodes: the node would not read this edit as asked: cluster\.name would differ/),
  });
  expect(await readFile(file, 'utf8')).toBe(text);
});

test.each([
  ['a section without name', { section: '', key: 'x', value: '1' }],
  ['a keyword with =', { section: 'cluster', key: 'a=b', value: '1' }],
  ['a value of two lines', { section: 'cluster', key: 'name', value: 'a\nb' }],
])('%s is a usage error', async (_, edit) => {
  await expect(editNodeConfig(root, edit, none)).rejects.toMatchObject({ code: 'UsageError' });
  expect(await readFile(file, 'utf8')).toBe(SEED);
});

test('a new node.conf is created mode 0600; an existing one keeps its mode', async () => {
  await rm(file);
  await editNodeConfig(root, { section: 'cluster', key: 'nodes', value: 'hv1' }, none);
  expect([await readFile(file, 'utf8'), (await stat(file)).mode & 0o777]).toEqual(['[cluster]\nnodes = hv1\n', 0o600]);
  await chmod(file, 0o640);
  await editNodeConfig(root, { section: 'cluster', key: 'nodes', value: 'hv1 hv2' }, none);
  expect((await stat(file)).mode & 0o777).toBe(0o640);
});

test('concurrent edits all land: each applies to the file as the previous one left it', async () => {
  // A slow check widens the window between reading the file and writing it.
  const slow: NodeCheck = () => new Promise((resolve) => setTimeout(() => resolve([]), 20));
  const keys = Array.from({ length: 6 }, (_, i) => `k${i}`);
  await Promise.all(keys.map((k) => editNodeConfig(root, { section: 'driver.kvm', key: k, value: k }, slow)));
  const kvm = parseNodeConfig(await readFile(file, 'utf8'), file)['driver.kvm'];
  expect(Object.keys(kvm ?? {}).sort()).toEqual([...keys, 'uri']);
});
