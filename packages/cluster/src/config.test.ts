import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterConfig } from './config.js';

const good = {
  cluster: { name: 'Prod', nodes: 'hv1 hv2', secret: '0123456789abcdef0123', quorum: 'true' },
  'hb#1': { type: 'unicast', port: '10010', interval: '500ms', timeout: '2s', 'addr@hv1': '198.51.100.1', 'addr@hv2': '198.51.100.2' },
  'arbitrator#1': { address: '198.51.100.9:10011' },
};

test('a full [cluster], [hb#1] and [arbitrator#1]', async () => {
  expect(await clusterConfig(good, 'hv1')).toEqual({
    name: 'prod',
    nodes: ['hv1', 'hv2'],
    secret: '0123456789abcdef0123',
    fence: true,
    hbs: [{ name: 'hb#1', type: 'unicast', port: 10010, intervalMs: 500, timeoutMs: 2000, addresses: { hv1: '198.51.100.1', hv2: '198.51.100.2' } }],
    arbitrators: [{ name: 'arbitrator#1', host: '198.51.100.9', port: 10011 }],
    stonith: {},
  });
});

test.each([
  ['no nodes', { ...good, cluster: { ...good.cluster, nodes: '' } }, /\[cluster\] nodes: no nodes/],
  ['this node not listed', { ...good, cluster: { ...good.cluster, nodes: 'hv2 hv3' } }, /this node \(hv1\) is not listed/],
  ['a short secret', { ...good, cluster: { ...good.cluster, secret: 'short' } }, /\[cluster\] secret: shorter than 16 characters/],
  ['no secret', { ...good, cluster: { nodes: 'hv1 hv2' } }, /\[cluster\] secret: no secret/],
  ['no [cluster] at all', { 'hb#1': good['hb#1'] }, /\[cluster\] nodes: no \[cluster\] section/],
  ['no heartbeat', { cluster: good.cluster }, /no heartbeat is configured/],
  ['a bad port', { ...good, 'hb#1': { ...good['hb#1'], port: 'http' } }, /\[hb#1\] port: expected an integer/],
  ['a port out of range', { ...good, 'hb#1': { ...good['hb#1'], port: '70000' } }, /\[hb#1\] port: a port is a number from 1 to 65535/],
  ['an unknown heartbeat type', { ...good, 'hb#1': { ...good['hb#1'], type: 'broadcast' } }, /\[hb#1\] type: .*unicast/],
  ['a bad interval', { ...good, 'hb#1': { ...good['hb#1'], interval: 'soon' } }, /expected a duration/],
  ['a timeout shorter than the interval', { ...good, 'hb#1': { ...good['hb#1'], timeout: '100ms' } }, /timeout: must be longer than interval/],
  ['a multicast group that is not one', { ...good, 'hb#1': { ...good['hb#1'], type: 'multicast', group: '198.51.100.7' } }, /\[hb#1\] group: expected a multicast group address/],
  ['a group address on a unicast heartbeat', { ...good, 'hb#1': { ...good['hb#1'], group: '224.3.29.71' } }, /\[hb#1\] group: a group address is for type = multicast/],
  ['an arbitrator without port', { ...good, 'arbitrator#1': { address: 'arb' } }, /\[arbitrator#1\] address: expected HOST:PORT/],
])('%s is a ClusterConfigInvalid naming the keyword', async (_, sections, message) => {
  await expect(clusterConfig(sections, 'hv1', '/etc/capsule/node.conf')).rejects.toMatchObject({ code: 'ClusterConfigInvalid', message: expect.stringMatching(message) });
});

test('[stonith#NODE]: cmd (or om3\'s command) split into argv; an empty section fences nothing', async () => {
  const c = await clusterConfig({ ...good, cluster: { ...good.cluster, nodes: 'hv1 hv2 hv3' }, 'stonith#hv2': { cmd: `/usr/sbin/fence_ipmilan --ip bmc2 --password-script '/root/bmc pass'` }, 'stonith#hv3': { command: '/bin/fence "hv3"' } }, 'hv1');
  expect(c.stonith).toEqual({ hv2: ['/usr/sbin/fence_ipmilan', '--ip', 'bmc2', '--password-script', '/root/bmc pass'], hv3: ['/bin/fence', 'hv3'] });
  expect((await clusterConfig({ ...good, 'stonith#hv2': {} }, 'hv1')).stonith).toEqual({});
});

test.each([
  ['this node', { ...good, 'stonith#hv1': { cmd: '/bin/true' } }, /\[stonith#hv1\]: hv1 is this node: a node never fences itself/],
  ['a node not in the cluster', { ...good, 'stonith#hv7': { cmd: '/bin/true' } }, /\[stonith#hv7\]: hv7 is not one of the cluster nodes \(hv1 hv2\)/],
])('a fence command for %s stops the daemon, naming the section', async (_, sections, message) => {
  await expect(clusterConfig(sections, 'hv1')).rejects.toMatchObject({ code: 'ClusterConfigInvalid', message: expect.stringMatching(message) });
});

test('a multicast heartbeat keeps its group, and the nodes their own addresses', async () => {
  const c = await clusterConfig({ ...good, 'hb#1': { ...good['hb#1'], type: 'multicast', group: '239.1.2.3' } }, 'hv1');
  expect(c.hbs[0]).toMatchObject({ type: 'multicast', group: '239.1.2.3', addresses: { hv1: '198.51.100.1', hv2: '198.51.100.2' } });
});

test('what is only a warning (an unknown keyword or section) does not stop the daemon', async () => {
  const c = await clusterConfig({ ...good, cluster: { ...good.cluster, colour: 'blue' }, 'hb#1': { ...good['hb#1'], 'addr@hv9': 'x' }, frobnicate: { a: '1' } }, 'hv1');
  expect(c.hbs[0]!.addresses).toEqual({ hv1: '198.51.100.1', hv2: '198.51.100.2' });
});

test('secret_file: read when root-only, refused when others can read it; the secret never shows in errors', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capsule-cc-'));
  try {
    const f = join(dir, 'secret');
    await writeFile(f, 'from-a-file-0123456789\n', { mode: 0o600 });
    const { secret_file: _, ...base } = { ...good.cluster, secret_file: f };
    expect((await clusterConfig({ ...good, cluster: { ...base, secret: '', secret_file: f } }, 'hv1')).secret).toBe('from-a-file-0123456789');
    await writeFile(join(dir, 'open'), 'world-readable-secret-xyz', { mode: 0o644 });
    const e = await clusterConfig({ ...good, cluster: { ...base, secret_file: join(dir, 'open') } }, 'hv1').catch((x: Error) => x);
    expect(e).toMatchObject({ code: 'SecretFileUnsafe' });
    expect(JSON.stringify(e) + (e as Error).message).not.toContain('world-readable-secret');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// [what, the secret file's mode and owner, the error expected (undefined: read)].
test.each<[string, number, number, RegExp | undefined]>([
  ['root-only, owned by root', 0o600, 0, undefined],
  ['0400, owned by root', 0o400, 0, undefined],
  ['mode 0600 but owned by nobody', 0o600, 65534, /\/secret belongs to uid 65534, not root/],
  ['group-readable', 0o640, 0, /\/secret is readable or writable by others \(mode 640\)/],
])('secret_file %s', async (_, mode, uid, refused) => {
  const dir = await mkdtemp(join(tmpdir(), 'capsule-cc-'));
  try {
    const f = join(dir, 'secret');
    await writeFile(f, 'owned-secret-0123456789\n', { mode });
    await chown(f, uid, uid);
    const sections = { ...good, cluster: { nodes: 'hv1 hv2', secret_file: f } };
    if (!refused) expect((await clusterConfig(sections, 'hv1')).secret).toBe('owned-secret-0123456789');
    else await expect(clusterConfig(sections, 'hv1')).rejects.toMatchObject({ code: 'SecretFileUnsafe', message: expect.stringMatching(refused), hint: `chown root:root ${f} && chmod 600 ${f}` });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// [what, node.conf's mode, its [cluster], the error expected (undefined: read)].
test.each<[string, number, Record<string, string>, RegExp | undefined]>([
  ['an inline secret in a root-only node.conf', 0o600, good.cluster, undefined],
  ['an inline secret in a node.conf others can read', 0o644, good.cluster, /node\.conf holds the cluster secret and is readable by others \(mode 644\)/],
  ['an inline secret in a group-readable node.conf', 0o640, good.cluster, /node\.conf holds the cluster secret and is readable by others \(mode 640\)/],
])('daemon start: %s', async (_, mode, cluster, refused) => {
  const dir = await mkdtemp(join(tmpdir(), 'capsule-cc-'));
  try {
    const file = join(dir, 'node.conf');
    await writeFile(file, '(the sections are given)\n', { mode });
    const sections = { ...good, cluster };
    if (!refused) expect((await clusterConfig(sections, 'hv1', file)).secret).toBe(good.cluster.secret);
    else await expect(clusterConfig(sections, 'hv1', file)).rejects.toMatchObject({ code: 'SecretFileUnsafe', message: expect.stringMatching(refused), hint: expect.stringContaining(`chmod 600 ${file}`) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
